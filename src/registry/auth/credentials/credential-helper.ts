import { spawn } from 'node:child_process';
import type { RegistryCredentials } from './types.js';

/** Options of {@link runCredentialHelper}. */
export interface CredentialHelperOptions {
  /**
   * How long the helper may run.
   * @default 30_000
   */
  timeoutMs?: number;
  /** Environment of the helper process (its `PATH` finds it). @default process.env */
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs a Docker credential helper, `docker-credential-NAME get`, with the server URL on stdin,
 * and reads its JSON answer (`{ ServerURL, Username, Secret }`). A `Username` of `<token>`
 * means `Secret` is an identity token. Resolves `undefined` when the helper has no
 * credentials for the server; rejects when it cannot be run or fails otherwise (the error
 * never contains the helper's output, which may hold a secret).
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
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    return Promise.reject(new Error(`Invalid credential helper name '${name}'`));
  }
  const program = `docker-credential-${name}`;
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], {
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Credential helper ${program} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new Error(`Credential helper ${program} could not be run (${error.code ?? error.message})`),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const out = Buffer.concat(stdout).toString('utf8');
      const err = Buffer.concat(stderr).toString('utf8');
      if (code !== 0) {
        if (/credentials not found/i.test(out) || /credentials not found/i.test(err)) {
          resolve(undefined);
          return;
        }
        reject(new Error(`Credential helper ${program} failed with exit code ${code}`));
        return;
      }
      try {
        const answer = JSON.parse(out) as { Username?: unknown; Secret?: unknown };
        const username = typeof answer.Username === 'string' ? answer.Username : '';
        const secret = typeof answer.Secret === 'string' ? answer.Secret : '';
        if (secret === '') resolve(undefined);
        else if (username === '<token>') resolve({ identityToken: secret });
        else resolve({ username, password: secret });
      } catch {
        reject(new Error(`Credential helper ${program} printed something that is not JSON`));
      }
    });
    child.stdin.on('error', () => {}); // a helper that exits without reading stdin
    child.stdin.end(serverUrl);
  });
}
