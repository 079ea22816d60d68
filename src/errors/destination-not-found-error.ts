import { ManifestListMergerError, type MergerErrorOptions } from './base-error.js';

/** Details of a {@link DestinationNotFoundError} or a {@link DestinationUnreadableError}. */
export interface DestinationErrorDetails extends MergerErrorOptions {
  /** The destination image reference. */
  image: string;
}

/**
 * `mergeManifestLists()` (the merge mode) needs an existing destination list and found none: the
 * destination client threw a not-found error (see {@link isNotFoundError}) for the tag.
 * Pass `createDestination: true` to create it with the source's entries, or create it with
 * `mergeSelectedArchitectures(archs, { push: true })`.
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
  override readonly name = 'DestinationNotFoundError' as const;
  override readonly code = 'DESTINATION_NOT_FOUND' as const;
  /** The destination image reference. */
  readonly image: string;

  constructor(details: DestinationErrorDetails) {
    super(
      `Destination image '${details.image}' does not exist; mergeManifestLists() needs one (pass createDestination: true to create it with the source's entries)`,
      details,
    );
    this.image = details.image;
  }
}
