import { answerOf, RegistryError, type RegistryErrorDetails } from './registry-error.js';

/**
 * The registry refused a write because a precondition failed (HTTP 412): the tag no longer
 * resolves to the digest sent in `If-Match`, or it exists although `If-None-Match: *` was
 * sent. Another writer changed it; read it again. `isPreconditionFailed` is `true`.
 *
 * @example
 * ```ts
 * try {
 *   await client.putManifest(tag, bytes, mediaType, { ifMatch: digestRead });
 * } catch (error) {
 *   if (error instanceof PreconditionFailedError) {
 *     // re-read the tag and merge again
 *   }
 * }
 * // In a RegistryClient of your own:
 * throw new PreconditionFailedError({ reference: tag, method: 'PUT', url, status: 412 });
 * ```
 */
export class PreconditionFailedError extends RegistryError {
  override readonly name = 'PreconditionFailedError' as const;
  override readonly code = 'PRECONDITION_FAILED' as const;
  /** Always `true`: read by `isPreconditionFailedError`. */
  readonly isPreconditionFailed = true as const;

  constructor(details: Omit<RegistryErrorDetails, 'problem'> = {}) {
    super(details);
  }

  protected static override describe(details: RegistryErrorDetails): string {
    const answer = answerOf(details);
    return `${details.reference ?? 'The tag'} changed since it was read: a precondition failed${answer ? ` (${answer})` : ''}`;
  }
}
