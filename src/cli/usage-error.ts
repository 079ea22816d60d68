/**
 * A mistake in the command line: exits with code 2 and one line naming the fix.
 * `code` is `USAGE`.
 */
export class UsageError extends Error {
  /** Always `USAGE`. */
  readonly code = 'USAGE';

  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
