import { type ErrorOptions, ManifestListMergerError } from './base-error.js';

/**
 * An argument or option has a value the library cannot use: an empty or malformed eligible
 * architecture name (`'platform'` matching), or a destination given by digest. `option`
 * names it.
 *
 * @example
 * ```ts
 * try {
 *   selectArchitectures(src, dest, ['linux/arm/v7/extra']);
 * } catch (error) {
 *   if (error instanceof InvalidOptionError) console.error(error.option); // 'eligibleArchs'
 * }
 * ```
 */
export class InvalidOptionError extends ManifestListMergerError {
  /** The argument or option at fault, e.g. `eligibleArchs` or `destImage`. */
  readonly option: string;

  constructor(message: string, option: string, options?: ErrorOptions) {
    super(message, 'INVALID_OPTION', options);
    this.option = option;
  }
}
