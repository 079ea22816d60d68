import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import {
  CredentialSourceError,
  type CredentialSourceFailure,
} from '../../../errors/credential-source-error.js';
import { InvalidOptionError } from '../../../errors/invalid-option-error.js';
import type { RegistryCredentials } from './types.js';

/** How long a credential helper may run by default (ms). */
export const DEFAULT_HELPER_TIMEOUT_MS = 30_000;
/** The most a credential helper may print on stdout by default: 64 KiB (they print ~200 bytes). */
export const DEFAULT_HELPER_MAX_OUTPUT_BYTES = 64 * 1024;
/** The environment variable that overrides {@link DEFAULT_HELPER_TIMEOUT_MS} (ms). */
export const HELPER_TIMEOUT_ENV = 'MLM_CREDENTIAL_HELPER_TIMEOUT_MS';
/** What of stderr is kept (to see "credentials not found"); the rest is dropped. */
const STDERR_KEPT_BYTES = 4 * 1024;
/**
 * How long the pipes may stay open after the helper exited: longer means a process it left
 * behind holds them, and its process group is killed.
 */
const PIPE_GRACE_MS = 250;

/** Options of {@link runCredentialHelper}. */
export interface CredentialHelperOptions {
  /**
   * How long the helper may run, in ms; then its process group is killed.
   * @default the `MLM_CREDENTIAL_HELPER_TIMEOUT_MS` variable of `env`, else 30_000
   */
  timeoutMs?: number | undefined;
  /**
   * The most the helper may print on stdout, in bytes; past it the helper's process group
   * is killed.
   * @default 65_536 (64 KiB)
   */
  maxOutputBytes?: number | undefined;
  /** Environment of the helper process (its `PATH` finds it). @default process.env */
  env?: NodeJS.ProcessEnv | undefined;
}

/** Process groups of helpers still running: killed if this process exits first. */
const running = new Set<number>();
let exitHookInstalled = false;

function killGroup(child: ChildProcessWithoutNullStreams): void {
  const pid = child.pid;
  if (pid === undefined) return;
  running.delete(pid);
  try {
    // A negative pid is the process group: the helper and every child it left behind.
    process.kill(process.platform === 'win32' ? pid : -pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** The helper timeout: the option, else `MLM_CREDENTIAL_HELPER_TIMEOUT_MS`, else 30 s. */
export function helperTimeoutMs(
  option: number | undefined,
  env: NodeJS.ProcessEnv = process.env,
): number {
  if (option !== undefined) return option;
  const text = env[HELPER_TIMEOUT_ENV];
  if (text === undefined || text === '') return DEFAULT_HELPER_TIMEOUT_MS;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !(value > 0)) {
    throw new InvalidOptionError({
      option: HELPER_TIMEOUT_ENV,
      problem: `must be a positive number of milliseconds, got ${JSON.stringify(text)}`,
    });
  }
  return value;
}

/**
 * Runs a Docker credential helper, `docker-credential-NAME get`, with the server URL on stdin,
 * and reads its JSON answer (`{ ServerURL, Username, Secret }`). A `Username` of `<token>`
 * means `Secret` is an identity token. Resolves `undefined` when the helper has no
 * credentials for the server; rejects with a {@link CredentialSourceError} when it cannot be
 * run or fails otherwise (the error never contains the helper's output, which may hold a
 * secret).
 *
 * The helper runs in a process group of its own. When it runs past `timeoutMs` or prints more
 * than `maxOutputBytes`, the whole group is killed (children it left behind too) and its pipes
 * are closed, so nothing it started keeps this process alive; the same happens when it exits
 * but something it left behind still holds its output open.
 *
 * @example
 * ```ts
 * await runCredentialHelper('ecr-login', '123456789012.dkr.ecr.eu-west-1.amazonaws.com');
 * // { username: 'AWS', password: '…' }
 * ```
 */
export function runCredentialHelper(
  name: string,
  serverUrl: string,
  options: CredentialHelperOptions = {},
): Promise<RegistryCredentials | undefined> {
  const program = `docker-credential-${name}`;
  const fail = (
    reason: CredentialSourceFailure,
    extra: { limit?: number; detail?: string; cause?: unknown } = {},
  ) => new CredentialSourceError({ reason, source: program, ...extra });
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    return Promise.reject(
      new CredentialSourceError({ reason: 'helper-invalid-name', source: name }),
    );
  }
  const env = options.env ?? process.env;
  let timeoutMs: number;
  try {
    timeoutMs = helperTimeoutMs(options.timeoutMs, env);
  } catch (error) {
    return Promise.reject(error);
  }
  const maxOutput = options.maxOutputBytes ?? DEFAULT_HELPER_MAX_OUTPUT_BYTES;
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so that a timeout can kill whatever it started.
      detached: process.platform !== 'win32',
    });
    if (child.pid !== undefined) {
      running.add(child.pid);
      if (!exitHookInstalled) {
        exitHookInstalled = true;
        process.once('exit', () => {
          for (const pid of running) {
            try {
              process.kill(-pid, 'SIGKILL');
            } catch {
              // already gone
            }
          }
        });
      }
    }
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderrText = '';
    let exitCode: number | null | undefined;
    let open = 2; // stdout and stderr
    let settled = false;
    let grace: NodeJS.Timeout | undefined;

    const closePipes = (): void => {
      child.stdin.destroy();
      child.stdout.destroy();
      child.stderr.destroy();
    };
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      if (child.pid !== undefined) running.delete(child.pid);
      outcome();
    };
    const abandon = (error: CredentialSourceError): void =>
      settle(() => {
        killGroup(child);
        closePipes();
        reject(error);
      });
    const finish = (): void =>
      settle(() => {
        closePipes();
        answer(exitCode ?? null);
      });
    const answer = (code: number | null): void => {
      const out = Buffer.concat(stdout).toString('utf8');
      if (code !== 0) {
        if (/credentials not found/i.test(out) || /credentials not found/i.test(stderrText)) {
          resolve(undefined);
          return;
        }
        reject(fail('helper-failed', { detail: `exit code ${code}` }));
        return;
      }
      try {
        const parsed = JSON.parse(out) as { Username?: unknown; Secret?: unknown } | null;
        const username = typeof parsed?.Username === 'string' ? parsed.Username : '';
        const secret = typeof parsed?.Secret === 'string' ? parsed.Secret : '';
        if (secret === '') resolve(undefined);
        else if (username === '<token>') resolve({ identityToken: secret });
        else resolve({ username, password: secret });
      } catch {
        reject(fail('helper-invalid-output'));
      }
    };

    const timer = setTimeout(() => {
      abandon(fail('helper-timeout', { limit: timeoutMs }));
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      if (settled) return;
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxOutput) {
        abandon(fail('helper-output-too-large', { limit: maxOutput }));
        return;
      }
      stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderrText.length < STDERR_KEPT_BYTES) {
        stderrText += chunk.toString('utf8', 0, STDERR_KEPT_BYTES - stderrText.length);
      }
    });
    const ended = (): void => {
      open--;
      if (open === 0 && exitCode !== undefined) finish();
    };
    child.stdout.once('end', ended);
    child.stderr.once('end', ended);
    child.on('error', (error: NodeJS.ErrnoException) => {
      abandon(fail('helper-not-runnable', { detail: error.code ?? error.message, cause: error }));
    });
    child.on('exit', (code) => {
      if (settled) return;
      exitCode = code;
      if (open === 0) {
        finish();
        return;
      }
      // Exited, but its output is still open: something it left behind holds it.
      grace = setTimeout(() => {
        settle(() => {
          killGroup(child);
          closePipes();
          answer(code);
        });
      }, PIPE_GRACE_MS);
    });
    child.stdin.on('error', () => {}); // a helper that exits without reading stdin
    child.stdin.end(serverUrl);
  });
}
