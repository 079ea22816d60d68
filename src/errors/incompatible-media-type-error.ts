import { ManifestListMergerError, type MergerErrorOptions } from './base-error.js';

/** Details of an {@link IncompatibleMediaTypeError}. */
export interface IncompatibleMediaTypeErrorDetails extends MergerErrorOptions {
  /** What the Docker list format cannot carry, e.g. `manifests[2].mediaType`, `annotations`. */
  fields: readonly string[];
  /**
   * The list is pushed as given (`pushManifestList`): its bytes cannot be converted to an OCI
   * image index.
   * @default false
   */
  exactBytes?: boolean;
}

/**
 * The merged list would be a Docker manifest list that names OCI manifests or carries
 * `annotations`, `subject` or `artifactType`, which that format cannot hold, and the merger
 * was told to refuse rather than emit an OCI image index (`dockerListConversion: 'error'`),
 * or the list is pushed as given and is such a Docker list (`exactBytes`). `fields` says what
 * does not fit. Nothing was pushed.
 *
 * @example
 * ```ts
 * const merger = new ManifestListMerger({ srcImage, destImage, srcClient, destClient,
 *   dockerListConversion: 'error' });
 * try {
 *   await merger.mergeManifestLists();
 * } catch (error) {
 *   if (error instanceof IncompatibleMediaTypeError) console.error(error.fields); // ['annotations']
 * }
 * ```
 */
export class IncompatibleMediaTypeError extends ManifestListMergerError {
  override readonly name = 'IncompatibleMediaTypeError' as const;
  override readonly code = 'INCOMPATIBLE_MEDIA_TYPE' as const;
  /** What the Docker list format cannot carry, e.g. `manifests[2].mediaType`, `annotations`. */
  readonly fields: string[];
  /** The list was pushed as given, so it could not be converted. */
  readonly exactBytes: boolean;

  constructor(details: IncompatibleMediaTypeErrorDetails) {
    const fields = [...details.fields];
    const fix = details.exactBytes
      ? 'a list pushed as given cannot be converted; build it as an OCI image index'
      : "allow conversion to an OCI image index (dockerListConversion: 'oci-index')";
    super(`A Docker manifest list cannot carry ${fields.join(', ')}: ${fix}`, details);
    this.fields = fields;
    this.exactBytes = details.exactBytes === true;
  }
}
