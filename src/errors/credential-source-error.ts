import { ManifestListMergerError, type MergerErrorOptions } from './base-error.js';

/**
 * Why a {@link CredentialSourceError} was thrown:
 * - `not-a-file`: the credential file (Docker's `config.json`, a containers `auth.json`) is
 *   not a regular file (a FIFO, a device such as `/dev/zero`, a directory); it is not read.
 * - `too-large`: the credential file is larger than its cap (1 MiB by default).
 * - `unreadable`: the credential file cannot be opened or read (permissions…), or a file the
 *   user named (`--authfile`, `REGISTRY_AUTH_FILE`) does not exist (`ENOENT`).
 * - `invalid-json`: the credential file is not JSON.
 * - `malformed-entry`: an entry of a credential file cannot be used (an `auth` without `:`).
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
export interface CredentialSourceErrorDetails extends MergerErrorOptions {
  /** Why it failed. */
  reason: CredentialSourceFailure;
  /** What failed: the credential file's path, the helper program, or the entry. */
  source: string;
  /** The limit that was passed (bytes, or milliseconds for `helper-timeout`). */
  limit?: number | undefined;
  /**
   * What the system said, quoted in the message: an error code (`EACCES`, `ENOENT`), the
   * helper's `exit code 3`, or what the path is (`a FIFO`). Never the file's content or the
   * helper's output.
   */
  detail?: string | undefined;
}

/**
 * A place credentials are read from failed: Docker's `config.json` (or the file given as
 * `dockerConfig`), a containers `auth.json`, or a credential helper one of them names. `source` says which — the message names
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
 * new CredentialSourceError({ reason: 'helper-failed', source: 'docker-credential-pass', detail: 'exit code 1' });
 * // 'Credential helper docker-credential-pass failed with exit code 1'
 * ```
 */
export class CredentialSourceError extends ManifestListMergerError {
  override readonly name = 'CredentialSourceError' as const;
  override readonly code = 'CREDENTIAL_SOURCE_FAILED' as const;
  /** Why it failed. */
  readonly reason: CredentialSourceFailure;
  /** What failed: the credential file's path, the helper program, or the entry. */
  readonly source: string;
  /** The limit that was passed (bytes, or milliseconds for `helper-timeout`), if any. */
  readonly limit: number | undefined;
  /** What the system said (an error code, an exit code, what the path is), if anything. */
  readonly detail: string | undefined;

  constructor(details: CredentialSourceErrorDetails) {
    super(describe(details), details);
    this.reason = details.reason;
    this.source = details.source;
    this.limit = details.limit;
    this.detail = details.detail;
  }
}

function describe({ reason, source, limit, detail }: CredentialSourceErrorDetails): string {
  const cap = limit === undefined ? 'its cap' : `${limit} bytes`;
  const said = detail ? ` (${detail})` : '';
  switch (reason) {
    case 'not-a-file':
      return `Credential file ${source} is ${detail ? `${detail}, ` : ''}not a regular file`;
    case 'too-large':
      return `Credential file ${source} is larger than ${cap}; it was not read`;
    case 'unreadable':
      return `Credential file ${source} cannot be read${said}`;
    case 'invalid-json':
      return `Credential file ${source} is not valid JSON`;
    case 'malformed-entry':
      return `Credential entry ${source} is malformed${detail ? `: ${detail}` : ''}`;
    case 'helper-invalid-name':
      return `Invalid credential helper name ${JSON.stringify(source)}: only A-Za-z0-9._- are allowed`;
    case 'helper-not-runnable':
      return `Credential helper ${source} could not be run${said}`;
    case 'helper-failed':
      return `Credential helper ${source} failed${detail ? ` with ${detail}` : ''}`;
    case 'helper-timeout':
      return `Credential helper ${source} did not answer within ${limit === undefined ? 'its timeout' : `${limit} ms`}; it was killed`;
    case 'helper-output-too-large':
      return `Credential helper ${source} printed more than ${cap}; it was killed`;
    case 'helper-invalid-output':
      return `Credential helper ${source} printed something that is not JSON`;
  }
}
