import { type ErrorOptions, ManifestListMergerError } from './base-error.js';

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
  /** JSON path of the offending field (`''` for the whole document). */
  readonly field: string;
  /** A machine-readable reason. */
  readonly reason: InvalidManifestListReason;

  constructor(
    message: string,
    field: string,
    reason: InvalidManifestListReason,
    options?: ErrorOptions,
  ) {
    super(message, 'INVALID_MANIFEST_LIST', options);
    this.field = field;
    this.reason = reason;
  }
}
