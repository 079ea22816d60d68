import { ManifestListMergerError, type MergerErrorOptions } from './base-error.js';

/** Details of a {@link NothingSelectedError}. */
export interface NothingSelectedErrorDetails extends MergerErrorOptions {
  /** The source image. */
  image: string;
  /** The eligible architectures asked for. */
  eligibleArchs: readonly string[];
  /** The platforms the source has (its images), as written (`linux/amd64`). */
  available: readonly string[];
  /** The destination does not exist (or holds no entry), so the list would be empty. */
  empty: boolean;
}

/**
 * A select (`mergeSelectedArchitectures`) whose eligible architectures match no image of the
 * source: the result would take nothing from it (and, without a destination, be an empty
 * list). A mistyped architecture (`amd46`) or the wrong source is the usual cause. Nothing is
 * pushed; `allowEmpty: true` (CLI `--allow-empty`) accepts such a result.
 *
 * @example
 * ```ts
 * try {
 *   await merger.mergeSelectedArchitectures(['s390x'], { push: true });
 * } catch (error) {
 *   if (error instanceof NothingSelectedError) console.error(`the source has ${error.available.join(', ')}`);
 * }
 * ```
 */
export class NothingSelectedError extends ManifestListMergerError {
  override readonly name = 'NothingSelectedError' as const;
  override readonly code = 'NOTHING_SELECTED' as const;
  /** The source image. */
  readonly image: string;
  /** The eligible architectures asked for. */
  readonly eligibleArchs: string[];
  /** The platforms the source has. */
  readonly available: string[];
  /** The list would be empty. */
  readonly empty: boolean;

  constructor(details: NothingSelectedErrorDetails) {
    const { image, empty } = details;
    const eligibleArchs = [...details.eligibleArchs];
    const available = [...details.available];
    const has = available.length === 0 ? 'no image' : available.join(', ');
    super(
      `None of the architectures ${eligibleArchs.join(', ')} is in the source image '${image}' (it has ${has})${empty ? ': the list would be empty' : ''}`,
      details,
    );
    this.image = image;
    this.eligibleArchs = eligibleArchs;
    this.available = available;
    this.empty = empty;
  }
}
