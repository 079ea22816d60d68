import { ManifestListMergerError, type MergerErrorOptions } from './base-error.js';

/** Details of a {@link NestingTooDeepError}. */
export interface NestingTooDeepErrorDetails extends MergerErrorOptions {
  /** The digest of the index past the limit. */
  digest: string;
  /** The source image it was fetched from. */
  image: string;
  /** The limit: how many levels of nested indexes are copied. */
  limit: number;
}

/**
 * Copying the children of a list met an index nested more levels below the list than the
 * limit (`maxIndexDepth`, 8 by default): an index of indexes of indexes… Each level is held
 * until its children are copied, so the limit bounds a copy's memory. `digest` names the
 * index past the limit. The list was not pushed.
 *
 * @example
 * ```ts
 * try {
 *   await merger.mergeManifestLists();
 * } catch (error) {
 *   if (error instanceof NestingTooDeepError) console.error(error.digest, error.limit);
 * }
 * ```
 */
export class NestingTooDeepError extends ManifestListMergerError {
  override readonly name = 'NestingTooDeepError' as const;
  override readonly code = 'NESTING_TOO_DEEP' as const;
  /** The digest of the index past the limit. */
  readonly digest: string;
  /** The source image it was fetched from. */
  readonly image: string;
  /** The limit: how many levels of nested indexes are copied. */
  readonly limit: number;

  constructor(details: NestingTooDeepErrorDetails) {
    const { digest, image, limit } = details;
    super(
      `Index ${digest} of '${image}' is nested more than ${limit} level(s) below the list; copies follow at most ${limit} (maxIndexDepth)`,
      details,
    );
    this.digest = digest;
    this.image = image;
    this.limit = limit;
  }
}
