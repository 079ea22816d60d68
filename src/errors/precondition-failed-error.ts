import { RegistryError, type RegistryErrorDetails } from './registry-error.js';

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
 * ```
 */
export class PreconditionFailedError extends RegistryError {
  /** Always `true`: read by `isPreconditionFailedError`. */
  readonly isPreconditionFailed = true as const;

  constructor(message: string, details: RegistryErrorDetails = {}) {
    super(message, details, 'PRECONDITION_FAILED');
  }
}
