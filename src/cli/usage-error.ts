/**
 * A mistake in the command line: exits with code 2 and one line naming the fix.
 * `code` is `USAGE`.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError' as const;
  /** Always `USAGE`. */
  readonly code = 'USAGE' as const;
}
