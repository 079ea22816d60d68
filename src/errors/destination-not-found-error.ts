import { type ErrorOptions, ManifestListMergerError } from './base-error.js';

/**
 * `mergeManifestLists()` (Mode A) needs an existing destination list and found none.
 * `cause` holds the client's own not-found error.
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
