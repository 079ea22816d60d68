import { type ErrorOptions, ManifestListMergerError } from './base-error.js';

/**
 * The list to push names manifests that the destination repository does not hold, and
 * copying them was turned off (`copyChildren: false`). Nothing was pushed. `digests` lists
 * every missing one.
 *
 * @example
 * ```ts
 * try {
 *   await merger.mergeManifestLists();
 * } catch (error) {
 *   if (error instanceof MissingChildrenError) console.error(error.digests.join('\n'));
 * }
 * ```
 */
export class MissingChildrenError extends ManifestListMergerError {
  /** The destination image. */
  readonly image: string;
  /** Every digest the destination repository lacks. */
  readonly digests: string[];

  constructor(image: string, digests: string[], options?: ErrorOptions) {
    super(
      `The destination repository of '${image}' lacks ${digests.length} manifest(s) the new list names (${digests.join(', ')}); allow copyChildren or push them first`,
      'MISSING_CHILDREN',
      options,
    );
    this.image = image;
    this.digests = digests;
  }
}
