// podman's auth.json as the only place credentials are, end to end on real registries: the
// htpasswd (Basic) registry and the token registry, with keys per namespace.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { AuthenticationError } from '../../../../../src/errors/index.js';
import { HttpRegistryClient } from '../../../../../src/http/http-registry-client.js';
import { pushList } from '../../../../support/images.js';
import { uniqueRepo } from '../../../../support/registry.js';
import type { Credentials } from '../../../../support/types.js';

const regs = inject('registries');
const fast = { retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 20 }, timeout: 5_000 };
const root = mkdtempSync(join(tmpdir(), 'mlm-podman-auth-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const auth = (c: Credentials) => ({
  auth: Buffer.from(`${c.username}:${c.password}`).toString('base64'),
});

/** Writes `auths` as `dir/containers/auth.json` in a fresh dir; returns the dir and the path. */
function authJson(auths: Record<string, unknown>): { dir: string; path: string } {
  const dir = mkdtempSync(join(root, 'run-'));
  mkdirSync(join(dir, 'containers'));
  const path = join(dir, 'containers', 'auth.json');
  writeFileSync(path, JSON.stringify({ auths }));
  return { dir, path };
}

/** An environment with no other credentials: an empty Docker config, nothing in ~/.config. */
function isolated(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const empty = mkdtempSync(join(root, 'empty-'));
  return { ...process.env, DOCKER_CONFIG: empty, XDG_CONFIG_HOME: empty, ...extra };
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe("podman's auth.json on the Basic-auth registry", () => {
  it('the namespace key serves its repositories; the host key the rest', async () => {
    const reg = regs.basic;
    const alice = reg.users.alice as Credentials;
    const ns = uniqueRepo('podman');
    const inNs = `${ns}/app`;
    const outside = uniqueRepo();
    const list = await pushList(reg, inNs, 'v1', { platforms: ['linux/amd64'] });
    await pushList(reg, outside, 'v1', { platforms: ['linux/amd64'] });
    const { dir } = authJson({
      [reg.host]: auth({ username: alice.username, password: 'wrong' }),
      [`${reg.host}/${ns}`]: auth(alice),
    });
    const client = new HttpRegistryClient({
      containersAuth: true,
      env: isolated({ XDG_RUNTIME_DIR: dir }),
      ...fast,
    });
    expect((await client.getManifest(`${reg.host}/${inNs}:v1`)).digest).toBe(list.digest);
    await client.putManifest(`${reg.host}/${inNs}:v2`, list.bytes, list.mediaType);
    const error = await errorOf(client.getManifest(`${reg.host}/${outside}:v1`));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).reason).toBe('credentials-rejected');
    expect(String(error)).not.toContain('wrong');
  });

  it('a file given as containersAuth is read; a library client without the option reads none', async () => {
    const reg = regs.basic;
    const repo = uniqueRepo();
    const list = await pushList(reg, repo, 'v1', { platforms: ['linux/amd64'] });
    const { path } = authJson({ [reg.host]: auth(reg.users.alice as Credentials) });
    const env = isolated({ REGISTRY_AUTH_FILE: path });
    const client = new HttpRegistryClient({ containersAuth: path, env, ...fast });
    expect((await client.getManifest(`${reg.host}/${repo}:v1`)).digest).toBe(list.digest);
    // The default is off: REGISTRY_AUTH_FILE alone is not read by a library client.
    const bare = new HttpRegistryClient({ env, ...fast });
    const error = await errorOf(bare.getManifest(`${reg.host}/${repo}:v1`));
    expect((error as AuthenticationError).reason).toBe('credentials-required');
  });
});

describe("podman's auth.json on the token registry", () => {
  it('per-repository credentials in one client: alice for her namespace, bob (pull only) elsewhere', async () => {
    const reg = regs.token;
    const alice = reg.users.alice as Credentials;
    const bob = reg.users.bob as Credentials;
    const ns = uniqueRepo('podman');
    const mine = `${ns}/app`;
    const theirs = uniqueRepo();
    const list = await pushList(reg, mine, 'v1', { platforms: ['linux/amd64'] });
    await pushList(reg, theirs, 'v1', { platforms: ['linux/amd64'] });
    const { dir } = authJson({ [reg.host]: auth(bob), [`${reg.host}/${ns}`]: auth(alice) });
    const client = new HttpRegistryClient({
      containersAuth: true,
      env: isolated({ XDG_RUNTIME_DIR: dir }),
      ...fast,
    });
    // alice may push in her namespace; bob may read elsewhere but not push.
    await client.putManifest(`${reg.host}/${mine}:v2`, list.bytes, list.mediaType);
    expect((await client.getManifest(`${reg.host}/${theirs}:v1`)).digest).toBeDefined();
    const error = await errorOf(
      client.putManifest(`${reg.host}/${theirs}:v2`, list.bytes, list.mediaType),
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).reason).toBe('access-denied');
    expect(String(error)).not.toContain(bob.password);
    expect(String(error)).not.toContain(alice.password);
  });
});
