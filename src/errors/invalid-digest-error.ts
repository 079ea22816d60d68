import { ManifestListMergerError, type MergerErrorOptions } from './base-error.js';

/**
 * Why an {@link InvalidDigestError} was thrown.
 * - `malformed`: not `algorithm:encoded` by the OCI grammar, or a `sha256` / `sha512` digest
 *   without exactly 64 / 128 lower-case hex digits.
 * - `unsupported-algorithm`: a well-formed digest whose algorithm this library cannot compute
 *   (only `sha256` and `sha512` are), so its bytes cannot be checked.
 */
export type InvalidDigestReason = 'malformed' | 'unsupported-algorithm';

/** Details of an {@link InvalidDigestError}. */
export interface InvalidDigestErrorDetails extends MergerErrorOptions {
  /** The digest as it was given (more than 150 characters are cut). */
  digest: string;
  /** Why it cannot be used. @default 'malformed' */
  reason?: InvalidDigestReason | undefined;
}

/**
 * A digest cannot be used: it is malformed, or names an algorithm other than `sha256` and
 * `sha512`, so the bytes it stands for cannot be checked. Thrown before any request is sent
 * when the digest comes from the caller, and instead of trusting the bytes when it comes from
 * a registry (e.g. a `docker-content-digest: md5:…` header). Never taken for "not found".
 *
 * @example
 * ```ts
 * try {
 *   await client.getBlob('quay.io/ns/app', 'md5:0123');
 * } catch (error) {
 *   if (error instanceof InvalidDigestError) console.error(error.digest, error.reason);
 * }
 * ```
 */
export class InvalidDigestError extends ManifestListMergerError {
  override readonly name = 'InvalidDigestError' as const;
  override readonly code = 'INVALID_DIGEST' as const;
  /** The digest as it was given (more than 150 characters are cut). */
  readonly digest: string;
  /** Why it cannot be used. */
  readonly reason: InvalidDigestReason;

  constructor(details: InvalidDigestErrorDetails) {
    const digest = String(details.digest);
    const reason = details.reason ?? 'malformed';
    const shown = digest.length > 150 ? `${digest.slice(0, 150)}…` : digest;
    super(
      reason === 'malformed'
        ? `Invalid digest '${shown}': expected 'algorithm:hex' (sha256 with 64, sha512 with 128 lower-case hex digits)`
        : `Unsupported digest algorithm in '${shown}': only sha256 and sha512 can be checked`,
      details,
    );
    this.digest = shown;
    this.reason = reason;
  }
}
