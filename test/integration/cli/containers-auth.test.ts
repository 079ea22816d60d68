// The command line reads podman's auth.json by default, before Docker's config: the order,
// --authfile, REGISTRY_AUTH_FILE and --no-containers-auth, against the Basic-auth registry.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureCliBuilt, lines, runInProcess, runSpawned } from '../../support/cli.js';
import { pushList } from '../../support/images.js';
import { uniqueRepo } from '../../support/registry.js';
import type { Credentials } from '../../support/types.js';

const regs = inject('registries');
const root = mkdtempSync(join(tmpdir(), 'mlm-cli-podman-'));
beforeAll(async () => {
  await ensureCliBuilt();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const reg = regs.basic;
const good = (): Credentials => reg.users.alice as Credentials;
const bad = (): Credentials => ({ username: good().username, password: 'not-the-password' });
const auths = (c: Credentials) => ({
  auths: {
    [reg.host]: { auth: Buffer.from(`${c.username}:${c.password}`).toString('base64') },
  },
});

let n = 0;
/** `content` written as `name` in a fresh directory; returns the directory. */
function dirWith(name: string, content: unknown): string {
  const dir = join(root, `d${++n}`);
  mkdirSync(join(dir, name, '..'), { recursive: true });
  writeFileSync(join(dir, name), JSON.stringify(content));
  return dir;
}
const runtimeDir = (c: Credentials) => dirWith(join('containers', 'auth.json'), auths(c));
const dockerDir = (c: Credentials) => dirWith('config.json', auths(c));
const file = (c: Credentials) => join(dirWith('auth.json', auths(c)), 'auth.json');

/** `merge` into a fresh repository, in-process (or with `run`, e.g. the built CLI). */
async function merge(flags: string[], env: Record<string, string>, run = runInProcess) {
  const repo = uniqueRepo('cli');
  await pushList(reg, repo, 'dest', { platforms: ['linux/s390x'] });
  await pushList(reg, repo, 'src', { platforms: ['linux/amd64'] });
  const argv = ['merge', '--src', `${reg.host}/${repo}:src`, '--dest', `${reg.host}/${repo}:dest`];
  return run([...argv, ...flags], { env });
}

describe('podman credentials on the command line', () => {
  it.each([
    ['auth.json alone ($XDG_RUNTIME_DIR)', [], () => ({ XDG_RUNTIME_DIR: runtimeDir(good()) }), 0],
    [
      '~/.config/containers/auth.json ($XDG_CONFIG_HOME)',
      [],
      () => ({ XDG_CONFIG_HOME: runtimeDir(good()) }),
      0,
    ],
    [
      "auth.json before Docker's config (a wrong auth.json entry is used, not skipped)",
      [],
      () => ({ XDG_RUNTIME_DIR: runtimeDir(bad()), DOCKER_CONFIG: dockerDir(good()) }),
      5,
    ],
    [
      "auth.json before Docker's config (the right one wins)",
      [],
      () => ({ XDG_RUNTIME_DIR: runtimeDir(good()), DOCKER_CONFIG: dockerDir(bad()) }),
      0,
    ],
    [
      "--no-containers-auth: Docker's config then",
      ['--no-containers-auth'],
      () => ({ XDG_RUNTIME_DIR: runtimeDir(bad()), DOCKER_CONFIG: dockerDir(good()) }),
      0,
    ],
    [
      '--no-containers-auth: no credentials left',
      ['--no-containers-auth'],
      () => ({ XDG_RUNTIME_DIR: runtimeDir(good()) }),
      5,
    ],
    [
      'REGISTRY_AUTH_FILE instead of $XDG_RUNTIME_DIR',
      [],
      () => ({ REGISTRY_AUTH_FILE: file(good()), XDG_RUNTIME_DIR: runtimeDir(bad()) }),
      0,
    ],
    [
      '--authfile wins over REGISTRY_AUTH_FILE',
      () => ['--authfile', file(good())],
      () => ({ REGISTRY_AUTH_FILE: file(bad()) }),
      0,
    ],
  ] as const)('%s', async (_, flags, env, code) => {
    const run = await merge(typeof flags === 'function' ? flags() : [...flags], env());
    expect(run.code, run.stderr).toBe(code);
    expect(run.stdout + run.stderr).not.toContain(good().password);
    expect(run.stdout + run.stderr).not.toContain(bad().password);
  });

  it('--authfile naming a missing file exits 5, naming the file', async () => {
    const missing = join(root, 'missing', 'auth.json');
    const run = await merge(['--authfile', missing], {});
    expect(run.code).toBe(5);
    expect(run.stderr).toContain(missing);
    expect(run.stderr).toContain('[CREDENTIAL_SOURCE_FAILED]');
    expect(run.stderr).toContain('--no-containers-auth');
  });

  it('--authfile with --no-containers-auth is a usage error', async () => {
    const run = await merge(['--authfile', file(good()), '--no-containers-auth'], {});
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toHaveLength(1);
  });

  it('the built CLI reads --authfile', async () => {
    const run = await merge(['--authfile', file(good())], {}, runSpawned);
    expect(run.code, run.stderr).toBe(0);
  });
});
