import type { Readable } from 'node:stream';
import { readAll } from './io.js';
import { UsageError } from './usage-error.js';

/** Credentials of one side (source or destination); empty means docker config / anonymous. */
export interface SideCredentials {
  username?: string | undefined;
  password?: string | undefined;
}

/** The credential flags of a command, after alias merging. */
export interface CredentialFlags {
  srcUsername?: string | undefined;
  destUsername?: string | undefined;
  srcPasswordStdin?: boolean | undefined;
  destPasswordStdin?: boolean | undefined;
  /** pubtools-quay's `--source-quay-password`: accepted, with a warning. */
  srcPasswordArg?: string | undefined;
  /** pubtools-quay's `--dest-quay-password`: accepted, with a warning. */
  destPasswordArg?: string | undefined;
}

/** What {@link resolveCredentials} found: per side, and warnings for stderr. */
export interface ResolvedCredentials {
  src: SideCredentials;
  dest: SideCredentials;
  warnings: string[];
}

/** Environment variables the CLI reads credentials from. */
export const ENV = {
  SRC_USERNAME: 'MLM_SRC_USERNAME',
  SRC_PASSWORD: 'MLM_SRC_PASSWORD',
  DEST_USERNAME: 'MLM_DEST_USERNAME',
  DEST_PASSWORD: 'MLM_DEST_PASSWORD',
} as const;

/** The most read from stdin for passwords: 64 KiB (a password or token is a few hundred bytes). */
export const MAX_STDIN_PASSWORD_BYTES = 64 * 1024;

/** Strips one trailing newline (what `echo` and here-strings add), nothing else. */
function stripNewline(line: string): string {
  return line.replace(/\r?\n$/, '');
}

/**
 * Resolves each side's user name and password, first match wins:
 * user name from `--src-username` (alias `--source-quay-user`) or `MLM_SRC_USERNAME`;
 * password from `--src-password-stdin`, pubtools-quay's `--source-quay-password` (warned about),
 * or `MLM_SRC_PASSWORD`. The same for `dest`. When both `--*-password-stdin` flags are given,
 * stdin's first line is the source password and its second the destination's (one line
 * serves both). A side without a user name uses Docker's config (or goes anonymous). At most
 * {@link MAX_STDIN_PASSWORD_BYTES} are read from stdin.
 *
 * @throws {UsageError} for a password without a user name or a user name without a password,
 * and for stdin holding more than {@link MAX_STDIN_PASSWORD_BYTES}.
 */
export async function resolveCredentials(
  flags: CredentialFlags,
  env: NodeJS.ProcessEnv,
  stdin: Readable,
): Promise<ResolvedCredentials> {
  const warnings: string[] = [];
  if (flags.srcPasswordArg !== undefined) {
    warnings.push(
      `--source-quay-password puts the password in the process list; pipe it to --src-password-stdin or set ${ENV.SRC_PASSWORD} instead`,
    );
  }
  if (flags.destPasswordArg !== undefined) {
    warnings.push(
      `--dest-quay-password puts the password in the process list; pipe it to --dest-password-stdin or set ${ENV.DEST_PASSWORD} instead`,
    );
  }
  if (flags.srcPasswordStdin && flags.srcPasswordArg !== undefined) {
    throw new UsageError(
      'give the source password once: --src-password-stdin or --source-quay-password',
    );
  }
  if (flags.destPasswordStdin && flags.destPasswordArg !== undefined) {
    throw new UsageError(
      'give the destination password once: --dest-password-stdin or --dest-quay-password',
    );
  }

  let srcStdin: string | undefined;
  let destStdin: string | undefined;
  if (flags.srcPasswordStdin || flags.destPasswordStdin) {
    const text = await readAll(
      stdin,
      MAX_STDIN_PASSWORD_BYTES,
      () =>
        new UsageError(
          `--src-password-stdin / --dest-password-stdin: stdin holds more than ${MAX_STDIN_PASSWORD_BYTES / 1024} KiB; pipe in only the password (one line per side)`,
        ),
    );
    const lines = text.split(/\r?\n/);
    if (text.trim() === '') {
      throw new UsageError(
        '--src-password-stdin / --dest-password-stdin: stdin is empty; pipe the password in',
      );
    }
    if (flags.srcPasswordStdin && flags.destPasswordStdin) {
      srcStdin = lines[0] ?? '';
      destStdin = lines[1] !== undefined && lines[1] !== '' ? lines[1] : srcStdin;
    } else if (flags.srcPasswordStdin) {
      srcStdin = stripNewline(text);
    } else {
      destStdin = stripNewline(text);
    }
  }

  const side = (
    name: 'source' | 'destination',
    flag: string,
    username: string | undefined,
    envUser: string,
    stdinPassword: string | undefined,
    argPassword: string | undefined,
    envPassword: string,
  ): SideCredentials => {
    const user = username ?? nonEmpty(env[envUser]);
    const password = stdinPassword ?? argPassword ?? nonEmpty(env[envPassword]);
    if (user === undefined) {
      if (stdinPassword !== undefined || argPassword !== undefined) {
        throw new UsageError(
          `a ${name} password was given without a user name: add --${flag}-username`,
        );
      }
      if (nonEmpty(env[envPassword]) !== undefined) {
        warnings.push(
          `${envPassword} is set but no ${name} user name is: ignoring it (add --${flag}-username or set ${envUser})`,
        );
      }
      return {};
    }
    if (password === undefined) {
      throw new UsageError(
        `--${flag}-username needs a password: pipe it to --${flag}-password-stdin or set ${envPassword}`,
      );
    }
    return { username: user, password };
  };

  return {
    src: side(
      'source',
      'src',
      flags.srcUsername,
      ENV.SRC_USERNAME,
      srcStdin,
      flags.srcPasswordArg,
      ENV.SRC_PASSWORD,
    ),
    dest: side(
      'destination',
      'dest',
      flags.destUsername,
      ENV.DEST_USERNAME,
      destStdin,
      flags.destPasswordArg,
      ENV.DEST_PASSWORD,
    ),
    warnings,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Shorter secrets are not scrubbed from the output (it would mangle every line). */
export const MIN_SECRET_LENGTH = 4;

/** Every secret in `creds`, for scrubbing output as a last line of defence. */
export function secretsOf(creds: ResolvedCredentials): string[] {
  return [creds.src.password, creds.dest.password].filter(
    (s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH,
  );
}
