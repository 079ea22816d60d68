import { RegistryError, type RegistryErrorDetails, requestOf } from './registry-error.js';

/** Which limit a {@link RequestTimeoutError} passed. */
export type TimeoutKind = 'attempt' | 'deadline';

/**
 * What an attempt was waiting for when it timed out:
 * - `response`: the answer's headers (axios' `timeout`);
 * - `upload`: the registry to read more of a streamed upload, or to answer it;
 * - `body`: more bytes of a body being read.
 */
export type TimeoutPhase = 'response' | 'upload' | 'body';

/** Details of a {@link RequestTimeoutError}. */
export interface RequestTimeoutErrorDetails extends Omit<RegistryErrorDetails, 'problem'> {
  /** Which limit was passed. */
  timeoutKind: TimeoutKind;
  /** The limit in milliseconds. */
  timeoutMs: number;
  /** For an `attempt` timeout: what it was waiting for. @default 'response' */
  phase?: TimeoutPhase | undefined;
  /** For an `attempt` timeout: how many attempts were allowed at most. */
  attempts?: number | undefined;
}

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
  override readonly name = 'RequestTimeoutError' as const;
  override readonly code = 'TIMEOUT' as const;
  /** Which limit was passed. */
  readonly timeoutKind: TimeoutKind;
  /** The limit in milliseconds. */
  readonly timeoutMs: number;
  /** For an `attempt` timeout: what it was waiting for (`undefined` for a deadline). */
  readonly phase: TimeoutPhase | undefined;
  /** For an `attempt` timeout: how many attempts were allowed at most, if known. */
  readonly attempts: number | undefined;

  constructor(details: RequestTimeoutErrorDetails) {
    super(details);
    this.timeoutKind = details.timeoutKind;
    this.timeoutMs = details.timeoutMs;
    this.phase = details.timeoutKind === 'attempt' ? (details.phase ?? 'response') : undefined;
    this.attempts = details.attempts;
  }

  protected static override describe(details: RequestTimeoutErrorDetails): string {
    const request = requestOf(details);
    const ms = details.timeoutMs;
    if (details.timeoutKind === 'deadline') {
      return `The call did not finish within its deadline of ${ms} ms${request ? ` (${request})` : ''}`;
    }
    const subject = request ?? details.reference ?? 'A registry request';
    if (details.phase === 'upload') {
      return `${subject}: nothing sent or received for ${ms} ms during the upload`;
    }
    if (details.phase === 'body') return `${subject}: no bytes of the body for ${ms} ms`;
    const attempts =
      details.attempts === undefined ? '' : ` (after ${details.attempts} attempts at most)`;
    return `${subject}: nothing received for ${ms} ms${attempts}`;
  }
}
