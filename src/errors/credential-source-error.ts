import { type ErrorOptions, ManifestListMergerError } from './base-error.js';

/**
 * Why a {@link CredentialSourceError} was thrown:
 * - `not-a-file`: the Docker config path is not a regular file (a FIFO, a device such as
 *   `/dev/zero`, a directory); it is not read.
 * - `too-large`: the Docker config file is larger than its cap (1 MiB by default).
 * - `unreadable`: the Docker config file exists but cannot be opened or read (permissions…).
 * - `invalid-json`: the Docker config file is not JSON.
 * - `malformed-entry`: a Docker config entry cannot be used (an `auth` without `:`).
 * - `helper-invalid-name`: a credential helper's name has characters other than
 *   `A-Za-z0-9._-`; it is not run.
 * - `helper-not-runnable`: `docker-credential-NAME` could not be started (not on `PATH`…).
 * - `helper-failed`: the helper exited with a non-zero code (other than "credentials not found").
 * - `helper-timeout`: the helper did not finish within its timeout (30 s by default).
 * - `helper-output-too-large`: the helper printed more than its cap (64 KiB by default).
 * - `helper-invalid-output`: the helper's answer is not JSON.
 *
 * On timeout or too much output the helper's whole process group is killed.
 */
export type CredentialSourceFailure =
  | 'not-a-file'
  | 'too-large'
  | 'unreadable'
  | 'invalid-json'
  | 'malformed-entry'
  | 'helper-invalid-name'
  | 'helper-not-runnable'
  | 'helper-failed'
  | 'helper-timeout'
  | 'helper-output-too-large'
  | 'helper-invalid-output';

/** Details of a {@link CredentialSourceError}. */
export interface CredentialSourceErrorDetails extends ErrorOptions {
  /** Why it failed. */
  reason: CredentialSourceFailure;
  /** What failed: the config file's path, the helper program, or the config entry. */
  source: string;
  /** The limit that was passed (bytes, or milliseconds for `helper-timeout`). */
  limit?: number | undefined;
}

/**
 * A place credentials are read from failed: Docker's `config.json` (or the file given as
 * `dockerConfig`) or a credential helper it names. `source` says which — the message names
 * the file or the helper, not the registry, since no registry is at fault. Never carries a
 * secret: the file's content and the helper's output are never quoted.
 *
 * @example
 * ```ts
 * try {
 *   await client.getManifest('quay.io/ns/app:1.0');
 * } catch (error) {
 *   if (error instanceof CredentialSourceError) console.error(error.reason, error.source);
 * }
 * ```
 */
export class CredentialSourceError extends ManifestListMergerError {
  /** Why it failed. */
  readonly reason: CredentialSourceFailure;
  /** What failed: the config file's path, the helper program, or the config entry. */
  readonly source: string;
  /** The limit that was passed (bytes, or milliseconds for `helper-timeout`), if any. */
  readonly limit: number | undefined;

  constructor(message: string, details: CredentialSourceErrorDetails) {
    super(
      message,
      'CREDENTIAL_SOURCE_FAILED',
      details.cause === undefined ? {} : { cause: details.cause },
    );
    this.reason = details.reason;
    this.source = details.source;
    this.limit = details.limit;
  }
}
