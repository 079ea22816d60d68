import { type ErrorOptions, ManifestListMergerError } from './base-error.js';

/**
 * Content had to be checked against a digest whose algorithm this library cannot compute:
 * only `sha256` and `sha512` are supported. `digest` holds the digest (or the algorithm name)
 * as given. Nothing was copied or pushed for it.
 *
 * @example
 * ```ts
 * try {
 *   await merger.mergeManifestLists();
 * } catch (error) {
 *   if (error instanceof UnsupportedDigestAlgorithmError) console.error(error.algorithm); // 'blake3'
 * }
 * ```
 */
export class UnsupportedDigestAlgorithmError extends ManifestListMergerError {
  /** The algorithm that is not supported, e.g. `blake3`. */
  readonly algorithm: string;
  /** The digest (or algorithm name) as it was given. */
  readonly digest: string;

  constructor(digest: string, options?: ErrorOptions) {
    const algorithm = digest.includes(':') ? (digest.split(':', 1)[0] as string) : digest;
    super(
      `Digest algorithm '${algorithm}' is not supported (of ${JSON.stringify(digest)}); supported: sha256, sha512`,
      'UNSUPPORTED_DIGEST_ALGORITHM',
      options,
    );
    this.algorithm = algorithm;
    this.digest = digest;
  }
}
