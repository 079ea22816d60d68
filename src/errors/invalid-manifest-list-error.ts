import { ManifestListMergerError, type MergerErrorOptions } from './base-error.js';

/**
 * Why a manifest list was refused by {@link parseManifestList}. `too-deep`: arrays and
 * objects nested deeper than 64 levels somewhere in the document.
 */
export type InvalidManifestListReason =
  | 'invalid-json'
  | 'not-an-object'
  | 'not-a-list'
  | 'schema-version'
  | 'media-type'
  | 'invalid-descriptor'
  | 'invalid-platform'
  | 'duplicate-platform'
  | 'too-deep';

/** Details of an {@link InvalidManifestListError}. */
export interface InvalidManifestListErrorDetails extends MergerErrorOptions {
  /** JSON path of the offending field (`''` for the whole document). */
  field: string;
  /** A machine-readable reason. */
  reason: InvalidManifestListReason;
  /** What is wrong, as a sentence, e.g. `schemaVersion must be 2, got 1`. */
  problem: string;
  /** The image the list was fetched from, when it was fetched. */
  image?: string | undefined;
  /** Which side of a merge `image` is. */
  side?: 'source' | 'destination' | undefined;
}

/**
 * A manifest list failed validation. `field` names the offending field as a JSON path, for
 * example `manifests[2].digest`.
 *
 * @example
 * ```ts
 * try {
 *   parseManifestList('{"schemaVersion": 1}');
 * } catch (error) {
 *   if (error instanceof InvalidManifestListError) console.log(error.field); // 'schemaVersion'
 * }
 * ```
 */
export class InvalidManifestListError extends ManifestListMergerError {
  override readonly name = 'InvalidManifestListError' as const;
  override readonly code = 'INVALID_MANIFEST_LIST' as const;
  /** JSON path of the offending field (`''` for the whole document). */
  readonly field: string;
  /** A machine-readable reason. */
  readonly reason: InvalidManifestListReason;
  /** What is wrong, as a sentence. */
  readonly problem: string;
  /** The image the list was fetched from, if it was fetched. */
  readonly image: string | undefined;
  /** Which side of a merge `image` is, if known. */
  readonly side: 'source' | 'destination' | undefined;

  constructor(details: InvalidManifestListErrorDetails) {
    const { image, side, problem } = details;
    super(
      image === undefined
        ? problem
        : `The ${side === undefined ? '' : `${side} `}image '${image}' is not a valid manifest list: ${problem}`,
      details,
    );
    this.field = details.field;
    this.reason = details.reason;
    this.problem = problem;
    this.image = image;
    this.side = side;
  }
}
