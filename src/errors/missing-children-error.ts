import { ManifestListMergerError, type MergerErrorOptions } from './base-error.js';

/** Details of a {@link MissingChildrenError}. */
export interface MissingChildrenErrorDetails extends MergerErrorOptions {
  /** The destination image. */
  image: string;
  /** Every digest the destination repository lacks. */
  digests: readonly string[];
}

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
  override readonly name = 'MissingChildrenError' as const;
  override readonly code = 'MISSING_CHILDREN' as const;
  /** The destination image. */
  readonly image: string;
  /** Every digest the destination repository lacks. */
  readonly digests: string[];

  constructor(details: MissingChildrenErrorDetails) {
    const { image } = details;
    const digests = [...details.digests];
    super(
      `The destination repository of '${image}' lacks ${digests.length} manifest(s) the new list names (${digests.join(', ')}); allow copyChildren or push them first`,
      details,
    );
    this.image = image;
    this.digests = digests;
  }
}
