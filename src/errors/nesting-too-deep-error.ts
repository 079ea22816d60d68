import { type ErrorOptions, ManifestListMergerError } from './base-error.js';

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
  /** The digest of the index past the limit. */
  readonly digest: string;
  /** The source image it was fetched from. */
  readonly image: string;
  /** The limit: how many levels of nested indexes are copied. */
  readonly limit: number;

  constructor(digest: string, image: string, limit: number, options?: ErrorOptions) {
    super(
      `Index ${digest} of '${image}' is nested more than ${limit} level(s) below the list; copies follow at most ${limit} (maxIndexDepth)`,
      'NESTING_TOO_DEEP',
      options,
    );
    this.digest = digest;
    this.image = image;
    this.limit = limit;
  }
}
