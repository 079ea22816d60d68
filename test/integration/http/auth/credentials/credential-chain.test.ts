// Credentials from where users already keep them, end to end on real registries: Docker's
// config.json `auths`, a credential helper (here one handing out an identity token), and a
// provider per host.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AuthenticationError, CredentialSourceError } from '../../../../../src/errors/index.js';
import { HttpRegistryClient } from '../../../../../src/http/http-registry-client.js';
import { makeHelperBin } from '../../../../support/credential-helpers.js';
import { linkToDevZero, makeFifo } from '../../../../support/hostile-inputs.js';
import { pushList } from '../../../../support/images.js';
import {
  startTokenRegistry,
  type TokenTestRegistry,
  uniqueRepo,
} from '../../../../support/registry.js';

const regs = inject('registries');
const fast = { retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 20 }, timeout: 5_000 };

let dir: string;
let reg: TokenTestRegistry;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlm-creds-'));
  reg = await startTokenRegistry();
});
afterAll(async () => {
  await reg?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('credentials from Docker config', () => {
  it('reads auths[host] from $DOCKER_CONFIG/config.json', async () => {
    const info = regs.basic;
    const repo = uniqueRepo();
    const list = await pushList(info, repo, 'v1', { platforms: ['linux/amd64'] });
    const configDir = join(dir, 'auths');
    await mkdir(configDir);
    const auth = Buffer.from(`${info.username}:${info.password}`).toString('base64');
    await writeFile(
      join(configDir, 'config.json'),
      JSON.stringify({ auths: { [info.host]: { auth } } }),
    );
    const client = new HttpRegistryClient({
      dockerConfig: true,
      env: { ...process.env, DOCKER_CONFIG: configDir },
      ...fast,
    });
    expect((await client.getManifest(`${info.host}/${repo}:v1`)).digest).toBe(list.digest);
    // A client without the config has no credentials for this registry.
    const bare = new HttpRegistryClient(fast);
    const error = await bare.getManifest(`${info.host}/${repo}:v1`).catch((e: unknown) => e);
    expect((error as AuthenticationError).reason).toBe('credentials-required');
  });

  it('runs a credential helper that hands out an identity token (POST refresh_token grant)', async () => {
    const repo = uniqueRepo();
    const list = await pushList(reg, repo, 'v1', { platforms: ['linux/amd64'] });
    const identityToken = reg.issuer.issueRefreshToken('alice');
    const bin = join(dir, 'bin');
    await mkdir(bin, { recursive: true });
    const helper = join(bin, 'docker-credential-mlmtest');
    await writeFile(
      helper,
      `#!/bin/sh\nIFS= read -r host || true\n[ "$host" = "${reg.host}" ] || { echo "credentials not found in native keychain"; exit 1; }\necho '{"ServerURL":"${reg.host}","Username":"<token>","Secret":"${identityToken}"}'\n`,
    );
    await chmod(helper, 0o755);
    const client = new HttpRegistryClient({
      dockerConfig: { credHelpers: { [reg.host]: 'mlmtest' } },
      env: { ...process.env, PATH: `${bin}${delimiter}${process.env['PATH'] ?? ''}` },
      ...fast,
    });
    reg.issuer.resetCounts();
    expect((await client.getManifest(`${reg.host}/${repo}:v1`)).digest).toBe(list.digest);
    await client.putManifest(`${reg.host}/${repo}:v2`, list.bytes, list.mediaType);
    expect(reg.issuer.requests.map((r) => [r.method, r.grantType, r.subject])).toEqual([
      ['POST', 'refresh_token', 'alice'],
      ['POST', 'refresh_token', 'alice'],
    ]);
  });

  it('asks a provider per host, and a failing provider is an AuthenticationError', async () => {
    const repo = uniqueRepo();
    const list = await pushList(reg, repo, 'v1', { platforms: ['linux/amd64'] });
    const asked: string[] = [];
    const client = new HttpRegistryClient({
      credentials: async (host) => {
        asked.push(host);
        return { username: reg.username!, password: reg.password! };
      },
      ...fast,
    });
    await client.getManifest(`${reg.host}/${repo}:v1`);
    await client.putManifest(`${reg.host}/${repo}:v2`, list.bytes, list.mediaType);
    expect(asked).toEqual([reg.host]);

    const failing = new HttpRegistryClient({
      credentials: () => {
        throw new Error('vault unreachable');
      },
      ...fast,
    });
    const error = await failing.getManifest(`${reg.host}/${repo}:v1`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).reason).toBe('credential-source-failed');
  });
});

describe('a Docker config that is not a regular file', () => {
  it.each([
    ['a FIFO', makeFifo],
    ['a link to /dev/zero', linkToDevZero],
  ])(
    '(%s) fails the call at once with an error naming the file, not the registry',
    async (name, make) => {
      const info = regs.basic;
      const repo = uniqueRepo();
      await pushList(info, repo, 'v1', { platforms: ['linux/amd64'] });
      const configDir = join(dir, name.replace(/\W+/g, '-'));
      await mkdir(configDir);
      const path = make(configDir);
      const client = new HttpRegistryClient({ dockerConfig: path, ...fast });
      const started = Date.now();
      const error = await client.getManifest(`${info.host}/${repo}:v1`).catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(error).toBeInstanceOf(CredentialSourceError);
      expect(error).toMatchObject({ reason: 'not-a-file', source: path });
      expect((error as Error).message).toContain(path);
      expect((error as Error).message).not.toContain(info.host);
      expect((error as Error).message).not.toMatch(/undefined/);
    },
  );
});

describe('credentialHelperTimeout', () => {
  it('a client gives a slow helper that long, over MLM_CREDENTIAL_HELPER_TIMEOUT_MS; a bad value is refused', async () => {
    const bin = makeHelperBin();
    try {
      const info = regs.basic;
      const repo = uniqueRepo();
      await pushList(info, repo, 'v1', { platforms: ['linux/amd64'] });
      const env = { ...bin.env, HELPER_DELAY: '5', MLM_CREDENTIAL_HELPER_TIMEOUT_MS: '20000' };
      const client = new HttpRegistryClient({
        dockerConfig: { credHelpers: { [info.host]: 'slow' } },
        env,
        credentialHelperTimeout: 300,
        ...fast,
      });
      const started = Date.now();
      const error = await client.getManifest(`${info.host}/${repo}:v1`).catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(error).toBeInstanceOf(CredentialSourceError);
      expect(error).toMatchObject({ reason: 'helper-timeout', limit: 300 });
      for (const bad of [0, -1, Number.NaN, 2 ** 31]) {
        expect(() => new HttpRegistryClient({ credentialHelperTimeout: bad })).toThrow(
          expect.objectContaining({ code: 'INVALID_OPTION', option: 'credentialHelperTimeout' }),
        );
      }
    } finally {
      bin.remove();
    }
  });
});
