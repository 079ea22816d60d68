// Credentials from the Docker config and the chain of sources
// (src/http/auth/credentials/credential-chain.ts): credHelpers, then credsStore, then auths;
// Docker Hub's key; then username/password, the provider and the config, once per host.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCredentialChain,
  credentialsFromDockerConfig,
} from '../../../../../src/http/auth/credentials/credential-chain.js';
import {
  DOCKER_HUB_CONFIG_KEY,
  dockerConfigKey,
} from '../../../../../src/http/auth/credentials/docker-config.js';
import { type HelperBin, makeHelperBin } from '../../../../support/credential-helpers.js';

let bin: HelperBin;
let env: NodeJS.ProcessEnv;
let dir: string;
beforeAll(async () => {
  bin = makeHelperBin();
  env = bin.env;
  dir = await mkdtemp(join(tmpdir(), 'mlm-credential-chain-'));
});
afterAll(async () => {
  bin?.remove();
  await rm(dir, { recursive: true, force: true });
});

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('credentialsFromDockerConfig', () => {
  it('prefers credHelpers[host] over credsStore and auths', async () => {
    const config = {
      credHelpers: { 'helper.example.com': 'test' },
      credsStore: 'missing-helper',
      auths: { 'helper.example.com': { auth: b64('auths:user') } },
    };
    expect(await credentialsFromDockerConfig(config, 'helper.example.com', { env })).toEqual({
      username: 'helper-user',
      password: 'helper:secret',
    });
  });

  it('a credHelpers entry speaks for its host alone: a helper with nothing means anonymous', async () => {
    const config = {
      credHelpers: { 'unknown.example.com': 'test' },
      credsStore: 'missing-helper', // would fail if it were asked
      auths: { 'unknown.example.com': { auth: b64('auths:user') } },
    };
    expect(await credentialsFromDockerConfig(config, 'unknown.example.com', { env })).toBe(
      undefined,
    );
  });

  it('uses credsStore; when the store has nothing, the host is anonymous (no fallback to auths, as in Docker)', async () => {
    const config = { credsStore: 'test', auths: { 'other.example.com': { auth: b64('u:p') } } };
    expect(await credentialsFromDockerConfig(config, 'token.example.com', { env })).toEqual({
      identityToken: 'id-token-1',
    });
    expect(await credentialsFromDockerConfig(config, 'other.example.com', { env })).toBe(undefined);
  });

  it('splits auth on the first ":" only, and reads identitytoken', async () => {
    const config = {
      auths: {
        'quay.io': { auth: b64('robot$ns+ci:pa:ss:word') },
        'ghcr.io': { auth: b64('x:y'), identitytoken: 'refresh-me' },
        'broken.io': { auth: b64('nocolon') },
      },
    };
    expect(await credentialsFromDockerConfig(config, 'quay.io')).toEqual({
      username: 'robot$ns+ci',
      password: 'pa:ss:word',
    });
    expect(await credentialsFromDockerConfig(config, 'ghcr.io')).toEqual({
      identityToken: 'refresh-me',
    });
    await expect(credentialsFromDockerConfig(config, 'broken.io')).rejects.toThrow(/malformed/);
    expect(await credentialsFromDockerConfig(config, 'absent.io')).toBeUndefined();
  });

  it("uses Docker Hub's key https://index.docker.io/v1/ for docker.io", async () => {
    expect(dockerConfigKey('docker.io')).toBe(DOCKER_HUB_CONFIG_KEY);
    expect(dockerConfigKey('registry-1.docker.io')).toBe(DOCKER_HUB_CONFIG_KEY);
    const config = { auths: { [DOCKER_HUB_CONFIG_KEY]: { auth: b64('hub:pw') } } };
    expect(await credentialsFromDockerConfig(config, 'docker.io')).toEqual({
      username: 'hub',
      password: 'pw',
    });
    expect(
      await credentialsFromDockerConfig(
        { credHelpers: { [DOCKER_HUB_CONFIG_KEY]: 'test' } },
        'docker.io',
        { env },
      ),
    ).toEqual({
      username: 'hubuser',
      password: 'hubpass',
    });
  });

  it('matches keys written as URLs', async () => {
    const config = { auths: { 'https://registry.example.com/v1/': { auth: b64('a:b') } } };
    expect(await credentialsFromDockerConfig(config, 'registry.example.com')).toEqual({
      username: 'a',
      password: 'b',
    });
  });
});

describe('createCredentialChain', () => {
  it('asks username/password, then the provider, then the docker config, once per host', async () => {
    const cfgDir = join(dir, 'chain');
    await mkdir(cfgDir, { recursive: true });
    await writeFile(
      join(cfgDir, 'config.json'),
      JSON.stringify({
        auths: { 'cfg.example.com': { auth: b64('cfg:pw') } },
        credHelpers: { 'helper.example.com': 'test' },
      }),
    );
    const asked: string[] = [];
    const chain = createCredentialChain({
      credentials: (host) => {
        asked.push(host);
        return host === 'provided.example.com' ? { username: 'p', password: 'q' } : undefined;
      },
      dockerConfig: true,
      env: { ...env, DOCKER_CONFIG: cfgDir },
    });
    expect(await chain('provided.example.com')).toEqual({ username: 'p', password: 'q' });
    expect(await chain('cfg.example.com')).toEqual({ username: 'cfg', password: 'pw' });
    expect(await chain('helper.example.com')).toEqual({
      username: 'helper-user',
      password: 'helper:secret',
    });
    expect(await chain('none.example.com')).toBeUndefined();
    await chain('cfg.example.com');
    expect(asked).toEqual([
      'provided.example.com',
      'cfg.example.com',
      'helper.example.com',
      'none.example.com',
    ]);

    const fixed = createCredentialChain({
      username: 'u',
      password: 'v',
      credentials: () => ({ identityToken: 'x' }),
    });
    expect(await fixed('any.example.com')).toEqual({ username: 'u', password: 'v' });
    expect(await createCredentialChain({})('any')).toBeUndefined();
  });
});
