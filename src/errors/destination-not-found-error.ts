import { type ErrorOptions, ManifestListMergerError } from './base-error.js';

/**
 * `mergeManifestLists()` (Mode A) needs an existing destination list and found none: the
 * destination client threw a not-found error (see {@link isNotFoundError}) for the tag.
 * Create the tag first, e.g. with `mergeSelectedArchitectures(archs, { push: true })`.
 *
 * @example
 * ```ts
 * try {
 *   await merger.mergeManifestLists();
 * } catch (error) {
 *   if (error instanceof DestinationNotFoundError) await merger.mergeSelectedArchitectures(archs, { push: true });
 * }
 * ```
 */
export class DestinationNotFoundError extends ManifestListMergerError {
  /** The destination image reference. */
  readonly image: string;

  constructor(image: string, options?: ErrorOptions) {
    super(
      `Destination image '${image}' does not exist; mergeManifestLists() needs one (use mergeSelectedArchitectures() to create it)`,
      'DESTINATION_NOT_FOUND',
      options,
    );
    this.image = image;
  }
}
