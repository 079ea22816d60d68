import { type ErrorOptions, ManifestListMergerError } from './base-error.js';

/**
 * Another writer kept moving the destination tag between this merge's read and its write,
 * more often than the merge's attempts allow. Nothing of this merge is lost on the registry:
 * run it again.
 *
 * @example
 * ```ts
 * try {
 *   await merger.mergeManifestLists();
 * } catch (error) {
 *   if (error instanceof ConflictError) console.error(`${error.image}: ${error.attempts} attempts`);
 * }
 * ```
 */
export class ConflictError extends ManifestListMergerError {
  /** The destination tag. */
  readonly image: string;
  /** How many read-merge-write rounds were tried. */
  readonly attempts: number;

  constructor(image: string, attempts: number, options?: ErrorOptions) {
    super(
      `The destination '${image}' kept changing under this merge (${attempts} attempts); another writer is pushing to it: retry later`,
      'CONFLICT',
      options,
    );
    this.image = image;
    this.attempts = attempts;
  }
}
