import { ManifestListMergerError, type MergerErrorOptions } from './base-error.js';

/** Details of an {@link InvalidOptionError}. */
export interface InvalidOptionErrorDetails extends MergerErrorOptions {
  /** The argument, option or environment variable at fault, e.g. `eligibleArchs`. */
  option: string;
  /**
   * What is wrong with its value, following the option's name in the message:
   * `must be a whole number from 1 to 8; got 1.5`.
   */
  problem: string;
}

/**
 * An argument, option or environment variable has a value the library cannot use: an empty
 * or malformed eligible architecture name (`'platform'` matching), a destination given by
 * digest, a number out of range. `option` names it; the message reads `Option 'OPTION'
 * PROBLEM`.
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
  override readonly name = 'InvalidOptionError' as const;
  override readonly code = 'INVALID_OPTION' as const;
  /** The argument, option or environment variable at fault, e.g. `eligibleArchs`. */
  readonly option: string;
  /** What is wrong with its value. */
  readonly problem: string;

  constructor(details: InvalidOptionErrorDetails) {
    const { option, problem } = details;
    // An environment variable (upper case, e.g. MLM_CREDENTIAL_HELPER_TIMEOUT_MS) is no option.
    const subject = /^[A-Z][A-Z0-9_]*$/.test(option)
      ? `The environment variable ${option}`
      : `Option '${option}'`;
    super(`${subject} ${problem}`, details);
    this.option = option;
    this.problem = problem;
  }
}
