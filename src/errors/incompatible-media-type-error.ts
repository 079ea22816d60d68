import { ManifestListMergerError, type MergerErrorOptions } from './base-error.js';

/** Details of an {@link IncompatibleMediaTypeError}. */
export interface IncompatibleMediaTypeErrorDetails extends MergerErrorOptions {
  /** What the Docker list format cannot carry, e.g. `manifests[2].mediaType`, `annotations`. */
  fields: readonly string[];
}

/**
 * The merged list would be a Docker manifest list that names OCI manifests or carries
 * `annotations`, `subject` or `artifactType`, which that format cannot hold, and the merger
 * was told to refuse rather than emit an OCI image index (`dockerListConversion: 'error'`).
 * `fields` says what does not fit. Nothing was pushed.
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

  constructor(details: IncompatibleMediaTypeErrorDetails) {
    const fields = [...details.fields];
    super(
      `A Docker manifest list cannot carry ${fields.join(', ')}: allow conversion to an OCI image index (dockerListConversion: 'oci-index')`,
      details,
    );
    this.fields = fields;
  }
}
