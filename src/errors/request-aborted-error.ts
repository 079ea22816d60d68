import { RegistryError, type RegistryErrorDetails, requestOf } from './registry-error.js';

/**
 * The caller's `AbortSignal` fired: the call stopped at once, with its retries, back-off
 * sleeps and token requests. `name` is `RequestAbortedError`; `code` is `ABORTED`.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * setTimeout(() => controller.abort(), 1000);
 * try {
 *   await client.getManifest('quay.io/ns/app:1.0', { signal: controller.signal });
 * } catch (error) {
 *   if (error instanceof RequestAbortedError) console.log('cancelled');
 * }
 * ```
 */
export class RequestAbortedError extends RegistryError {
  override readonly name = 'RequestAbortedError' as const;
  override readonly code = 'ABORTED' as const;

  constructor(details: Omit<RegistryErrorDetails, 'problem'> = {}) {
    super(details);
  }

  protected static override describe(details: RegistryErrorDetails): string {
    const request = requestOf(details);
    const subject =
      details.reference === undefined ? 'The call' : `The call on ${details.reference}`;
    return `${subject} was aborted${request ? ` (${request})` : ''}`;
  }
}
