import { ManifestListMergerError, type MergerErrorOptions } from './base-error.js';

/** Details of an {@link InvalidReferenceError}. */
export interface InvalidReferenceErrorDetails extends MergerErrorOptions {
  /** The reference as it was given. */
  reference: string;
  /** What is wrong with it, e.g. `contains whitespace`. */
  problem: string;
}

/**
 * An image reference does not follow the distribution grammar
 * `[host[:port]/]path[:tag][@digest]`. The message quotes the input and says what is wrong.
 *
 * @example
 * ```ts
 * try {
 *   parseImageReference('Quay.io/NS/App');
 * } catch (error) {
 *   if (error instanceof InvalidReferenceError) console.error(error.reference);
 * }
 * ```
 */
export class InvalidReferenceError extends ManifestListMergerError {
  override readonly name = 'InvalidReferenceError' as const;
  override readonly code = 'INVALID_REFERENCE' as const;
  /** The reference as it was given. */
  readonly reference: string;
  /** What is wrong with it. */
  readonly problem: string;

  constructor(details: InvalidReferenceErrorDetails) {
    const reference = String(details.reference);
    super(`Invalid image reference '${reference}': ${details.problem}`, details);
    this.reference = reference;
    this.problem = details.problem;
  }
}
