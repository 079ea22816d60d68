import { ManifestListMergerError, type MergerErrorOptions } from './base-error.js';

/**
 * Why missing children were not copied: copying was turned off (`copyChildren: false`), or
 * there is no other repository to copy them from (a push of given bytes whose source is the
 * destination repository).
 */
export type MissingChildrenReason = 'copy-disabled' | 'no-source';

/** Details of a {@link MissingChildrenError}. */
export interface MissingChildrenErrorDetails extends MergerErrorOptions {
  /** The destination image. */
  image: string;
  /** Every digest the destination repository lacks. */
  digests: readonly string[];
  /** Why they were not copied. @default 'copy-disabled' */
  reason?: MissingChildrenReason;
}

/**
 * The list to push names manifests that the destination repository does not hold, and
 * copying them was turned off (`copyChildren: false`), or (a push of given bytes) no source
 * repository was named to copy them from (`reason: 'no-source'`). Nothing was pushed.
 * `digests` lists every missing one.
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
  /** Why they were not copied. */
  readonly reason: MissingChildrenReason;

  constructor(details: MissingChildrenErrorDetails) {
    const { image } = details;
    const digests = [...details.digests];
    const reason = details.reason ?? 'copy-disabled';
    const fix =
      reason === 'no-source'
        ? 'name a source repository that holds them, or push them first'
        : 'allow copyChildren or push them first';
    super(
      `The destination repository of '${image}' lacks ${digests.length} manifest(s) the new list names (${digests.join(', ')}); ${fix}`,
      details,
    );
    this.image = image;
    this.digests = digests;
    this.reason = reason;
  }
}
