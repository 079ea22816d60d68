import { type ErrorOptions, ManifestListMergerError } from './base-error.js';

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
  /** The reference as it was given. */
  readonly reference: string;

  constructor(reference: string, problem: string, options?: ErrorOptions) {
    super(`Invalid image reference '${reference}': ${problem}`, 'INVALID_REFERENCE', options);
    this.reference = reference;
  }
}
