import { RegistryError, type RegistryErrorDetails } from './registry-error.js';

/**
 * A registry call ran out of time: `attempt` when the registry stayed silent longer than the
 * per-attempt `timeout` on the last allowed attempt, `deadline` when the whole call (retries,
 * back-off sleeps and token requests included) passed the client's `deadline`.
 *
 * @example
 * ```ts
 * try {
 *   await client.getManifest('quay.io/ns/app:1.0');
 * } catch (error) {
 *   if (error instanceof RequestTimeoutError) console.error(error.timeoutKind, error.timeoutMs);
 * }
 * ```
 */
export class RequestTimeoutError extends RegistryError {
  /** Which limit was passed. */
  readonly timeoutKind: 'attempt' | 'deadline';
  /** The limit in milliseconds. */
  readonly timeoutMs: number;

  constructor(
    message: string,
    timeoutKind: 'attempt' | 'deadline',
    timeoutMs: number,
    details: RegistryErrorDetails = {},
  ) {
    super(message, details, 'TIMEOUT');
    this.timeoutKind = timeoutKind;
    this.timeoutMs = timeoutMs;
  }
}
