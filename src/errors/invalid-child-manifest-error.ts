import { ManifestListMergerError, type MergerErrorOptions } from './base-error.js';

/**
 * Why a child manifest could not be copied (see {@link InvalidChildManifestError}):
 * - `invalid-json`: its bytes are not UTF-8 JSON.
 * - `not-an-object`: they are JSON, but not an object (`null`, an array, a number…).
 * - `invalid-descriptor`: a field the copy follows (`manifests`, `config`, `layers`, `blobs`)
 *   has the wrong type, or names no valid digest.
 * - `too-deep`: arrays and objects nested deeper than 64 levels.
 */
export type InvalidChildManifestReason =
  | 'invalid-json'
  | 'not-an-object'
  | 'invalid-descriptor'
  | 'too-deep';

/** Details of an {@link InvalidChildManifestError}. */
export interface InvalidChildManifestErrorDetails extends MergerErrorOptions {
  /** The digest of the child manifest. */
  digest: string;
  /** The source image it was fetched from. */
  image: string;
  /** JSON path of the offending field, e.g. `layers[2].digest` (`''` for the whole document). */
  field: string;
  /** A machine-readable reason. */
  reason: InvalidChildManifestReason;
  /** What is wrong, in words, e.g. `it is not JSON`. */
  problem: string;
}

/**
 * A manifest the list names, fetched from the source to be copied into the destination
 * repository, matches its digest but is not a manifest the copy can follow: not JSON, not an
 * object, or with `manifests`, `config`, `layers` or `blobs` of the wrong shape. `field`
 * names the offending field as a JSON path (`''` for the whole document). Nothing of it was
 * pushed, and the list was not pushed.
 *
 * @example
 * ```ts
 * try {
 *   await merger.mergeManifestLists();
 * } catch (error) {
 *   if (error instanceof InvalidChildManifestError) console.error(error.digest, error.field);
 * }
 * ```
 */
export class InvalidChildManifestError extends ManifestListMergerError {
  override readonly name = 'InvalidChildManifestError' as const;
  override readonly code = 'INVALID_CHILD_MANIFEST' as const;
  /** The digest of the child manifest. */
  readonly digest: string;
  /** The source image it was fetched from. */
  readonly image: string;
  /** JSON path of the offending field, e.g. `layers[2].digest` (`''` for the whole document). */
  readonly field: string;
  /** A machine-readable reason. */
  readonly reason: InvalidChildManifestReason;
  /** What is wrong, in words. */
  readonly problem: string;

  constructor(details: InvalidChildManifestErrorDetails) {
    super(
      `Manifest ${details.digest} of '${details.image}' cannot be copied: ${details.problem}`,
      details,
    );
    this.digest = details.digest;
    this.image = details.image;
    this.field = details.field;
    this.reason = details.reason;
    this.problem = details.problem;
  }
}
