// Starts CNCF distribution (`docker-registry serve CONFIG`) on a free loopback port with
// temporary storage: anonymous, htpasswd basic auth, or token auth with our own issuer.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import bcrypt from 'bcryptjs';
import {
  randomPassword,
  startTokenIssuer,
  type TokenIssuer,
  type TokenIssuerOptions,
} from './token-issuer.js';
import type { AuthKind, Credentials, RegistryInfo } from './types.js';

export type { AuthKind, Credentials, RegistryInfo } from './types.js';

export const REGISTRY_BINARY = 'docker-registry';
export const MISSING_REGISTRY_MESSAGE =
  "docker-registry is missing: install it with 'apt-get update && apt-get install -y docker-registry' (Debian/Ubuntu)";

export interface TestRegistry extends RegistryInfo {
  /** The registry's filesystem storage root (temporary). */
  storageDir: string;
  /** What the registry process printed so far (log level warn). */
  stderr(): string;
  /** A plain-JSON copy without methods (for `provide`). */
  info(): RegistryInfo;
  /** Kills the process, removes temp dirs (and stops the issuer). Idempotent. */
  stop(): Promise<void>;
}

export interface TokenTestRegistry extends TestRegistry {
  issuer: TokenIssuer;
  token: { realm: string; service: string; issuer: string };
}

export interface StartRegistryOptions {
  kind: AuthKind;
  /** basic/token: username → password. Default alice and bob with random passwords. */
  users?: Record<string, string>;
  /** token: options for the issuer (its `users` win over `users` above). */
  issuer?: TokenIssuerOptions;
}

/** Whether `docker-registry` is an executable on the current PATH (checked on each call). */
export function isDockerRegistryInstalled(): boolean {
  return (process.env['PATH'] ?? '')
    .split(delimiter)
    .filter((d) => d.length > 0)
    .some((d) => {
      try {
        accessSync(join(d, REGISTRY_BINARY), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

/** A lower-case, valid, unique repository name, e.g. `test/k3j9x2a1`. */
export function uniqueRepo(prefix = 'test'): string {
  return `${prefix}/${randomBytes(5).toString('hex')}`;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function trackChild(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
}

function defaultUsers(): Record<string, string> {
  return { alice: randomPassword(), bob: randomPassword() };
}

function usersInfo(users: Record<string, string>): {
  users: RegistryInfo['users'];
  username?: string;
  password?: string;
} {
  const out: RegistryInfo['users'] = {};
  const cred = (u: string): Credentials => ({ username: u, password: users[u]! });
  if (users['alice'] !== undefined) out.alice = cred('alice');
  if (users['bob'] !== undefined) out.bob = cred('bob');
  const first = users['alice'] !== undefined ? 'alice' : Object.keys(users)[0];
  return first === undefined
    ? { users: out }
    : { users: out, username: first, password: users[first]! };
}

function configYaml(port: number, dataDir: string, auth: string): string {
  return [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(dataDir)}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    'health:',
    '  storagedriver:',
    '    enabled: false',
    auth,
    '',
  ].join('\n');
}

interface Spawned {
  child: ChildProcess;
  output: () => string;
}

async function spawnRegistry(configPath: string): Promise<Spawned> {
  const child = spawn(REGISTRY_BINARY, ['serve', configPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackChild(child);
  let output = '';
  const append = (c: Buffer): void => {
    output += c.toString('utf8');
    if (output.length > 64_000) output = output.slice(-32_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'ENOENT' ? new Error(MISSING_REGISTRY_MESSAGE) : err),
    );
  });
  return { child, output: () => output };
}

async function waitReady(url: string, sp: Spawned, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | null = null;
  const onExit = (code: number | null): void => {
    exited = code ?? -1;
  };
  sp.child.once('exit', onExit);
  try {
    while (Date.now() < deadline) {
      if (exited !== null || sp.child.exitCode !== null) {
        throw new Error(
          `docker-registry exited (code ${exited ?? sp.child.exitCode}) before it was ready:\n${sp.output().trim()}`,
        );
      }
      try {
        const res = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        if (res.status === 200 || res.status === 401) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 15));
    }
    throw new Error(`docker-registry at ${url} not ready after ${timeoutMs} ms:\n${sp.output()}`);
  } finally {
    sp.child.off('exit', onExit);
  }
}

function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Starts one registry of the given kind; see README.md. */
export async function startRegistry(
  opts: StartRegistryOptions & { kind: 'token' },
): Promise<TokenTestRegistry>;
export async function startRegistry(opts: StartRegistryOptions): Promise<TestRegistry>;
export async function startRegistry(opts: StartRegistryOptions): Promise<TestRegistry> {
  if (!isDockerRegistryInstalled()) throw new Error(MISSING_REGISTRY_MESSAGE);
  const dir = await mkdtemp(join(tmpdir(), `mlm-registry-${opts.kind}-`));
  const dataDir = join(dir, 'data');
  let issuer: TokenIssuer | undefined;
  let users: Record<string, string> = {};
  let cleanedUp = false;
  const cleanupPartial = async (): Promise<void> => {
    if (cleanedUp) return;
    cleanedUp = true;
    await issuer?.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    let auth = '';
    if (opts.kind === 'basic') {
      users = opts.users ?? defaultUsers();
      const lines = Object.entries(users).map(([u, p]) => `${u}:${bcrypt.hashSync(p, 5)}`);
      const htpasswd = join(dir, 'htpasswd');
      await writeFile(htpasswd, `${lines.join('\n')}\n`, { mode: 0o600 });
      auth = [
        'auth:',
        '  htpasswd:',
        '    realm: test-basic-realm',
        `    path: ${JSON.stringify(htpasswd)}`,
      ].join('\n');
    } else if (opts.kind === 'token') {
      issuer = await startTokenIssuer({
        ...opts.issuer,
        users: opts.issuer?.users ?? opts.users ?? defaultUsers(),
      });
      users = issuer.users;
      auth = [
        'auth:',
        '  token:',
        `    realm: ${JSON.stringify(issuer.realm)}`,
        `    service: ${JSON.stringify(issuer.service)}`,
        `    issuer: ${JSON.stringify(issuer.issuer)}`,
        `    rootcertbundle: ${JSON.stringify(issuer.bundlePath)}`,
      ].join('\n');
    }

    // A free port can be taken between our probe and the registry's bind: retry a few times.
    let lastError: unknown;
    for (let attempt = 0; attempt < 4; attempt++) {
      const port = await freePort();
      const configPath = join(dir, 'config.yml');
      await writeFile(configPath, configYaml(port, dataDir, auth));
      const url = `http://127.0.0.1:${port}`;
      const sp = await spawnRegistry(configPath);
      try {
        await waitReady(url, sp);
      } catch (err) {
        lastError = err;
        await killChild(sp.child);
        if (/address already in use/i.test(sp.output())) continue;
        throw err;
      }
      const ui = usersInfo(users);
      const base: RegistryInfo = {
        kind: opts.kind,
        host: `127.0.0.1:${port}`,
        url,
        ...ui,
        ...(issuer
          ? { token: { realm: issuer.realm, service: issuer.service, issuer: issuer.issuer } }
          : {}),
      };
      let stopped: Promise<void> | undefined;
      const reg: TestRegistry = {
        ...base,
        storageDir: dataDir,
        stderr: () => sp.output(),
        info: () => JSON.parse(JSON.stringify(base)) as RegistryInfo,
        stop() {
          stopped ??= (async () => {
            await killChild(sp.child);
            await cleanupPartial();
          })();
          return stopped;
        },
      };
      if (issuer) (reg as TokenTestRegistry).issuer = issuer;
      return reg;
    }
    throw lastError;
  } catch (err) {
    await cleanupPartial();
    throw err;
  }
}

export function startAnonymousRegistry(): Promise<TestRegistry> {
  return startRegistry({ kind: 'anonymous' });
}

export function startBasicRegistry(
  opts: { users?: Record<string, string> } = {},
): Promise<TestRegistry> {
  return startRegistry({ kind: 'basic', ...opts });
}

export function startTokenRegistry(opts: TokenIssuerOptions = {}): Promise<TokenTestRegistry> {
  return startRegistry({ kind: 'token', issuer: opts });
}
