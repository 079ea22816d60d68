import { type ErrorCode, errorCode } from './library.js';
import type { OutputFileError } from './output-file.js';
import type { UsageError } from './usage-error.js';

/** The codes of the CLI's own errors (the library's are {@link ErrorCode}). */
export type CliCode = UsageError['code'] | OutputFileError['code'];

/**
 * The exit codes of the `manifest-list-merger` command. Stable: release scripts branch on them.
 *
 * | code | meaning |
 * |---|---|
 * | 0 | done (also: nothing to change, dry run, help, version) |
 * | 1 | failed (any other error; in `bulk`, at least one job failed) |
 * | 2 | usage error (bad or missing flag, invalid reference, destination given by digest, `--arch` selecting nothing) |
 * | 3 | conflict: other writers kept this merge from making sure of its platforms |
 * | 4 | not found: the source, or (for `merge`) the destination, does not exist |
 * | 5 | authentication failed: credentials missing, rejected or lacking access, or their source (Docker config, podman auth.json, credential helper) failed; a destination these credentials cannot read |
 * | 130 | interrupted (Ctrl-C) |
 */
export const ExitCode = {
  /** Done. */
  OK: 0,
  /** Failed. */
  FAILED: 1,
  /** Usage error. */
  USAGE: 2,
  /** Conflict with another writer of the destination tag. */
  CONFLICT: 3,
  /** An image does not exist. */
  NOT_FOUND: 4,
  /** Authentication failed. */
  AUTH: 5,
  /** Interrupted by SIGINT. */
  INTERRUPTED: 130,
} as const;

/** One of the values of {@link ExitCode}. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Error codes (the library's `error.code`) that are the user's input being wrong. */
const USAGE_CODES = codes('INVALID_REFERENCE', 'INVALID_OPTION', 'USAGE', 'NOTHING_SELECTED');
const NOT_FOUND_CODES = codes('NOT_FOUND', 'DESTINATION_NOT_FOUND');
const AUTH_CODES = codes(
  'AUTHENTICATION_FAILED',
  'CREDENTIAL_SOURCE_FAILED',
  'DESTINATION_UNREADABLE',
);
const CONFLICT_CODES = codes('CONFLICT', 'PRECONDITION_FAILED');

/** A set of codes, each checked to be one the library or the CLI produces. */
function codes(...list: (ErrorCode | CliCode)[]): ReadonlySet<string> {
  return new Set(list);
}

/**
 * The exit code for an error thrown by the library or the CLI, read from its stable `code`
 * (not `instanceof`, so it holds across bundles).
 */
export function exitCodeFor(error: unknown): ExitCodeValue {
  const code = errorCode(error);
  if (code === undefined) return ExitCode.FAILED;
  if (USAGE_CODES.has(code)) return ExitCode.USAGE;
  if (CONFLICT_CODES.has(code)) return ExitCode.CONFLICT;
  if (NOT_FOUND_CODES.has(code)) return ExitCode.NOT_FOUND;
  if (AUTH_CODES.has(code)) return ExitCode.AUTH;
  if (code === ('ABORTED' satisfies ErrorCode)) return ExitCode.INTERRUPTED;
  return ExitCode.FAILED;
}
