import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCredentialChain,
  credentialsFromDockerConfig,
} from '../../src/http/auth/credentials/credential-chain.js';
import { readCredentialFile } from '../../src/http/auth/credentials/credential-file.js';
import { runCredentialHelper } from '../../src/http/auth/credentials/credential-helper.js';
import {
  DOCKER_HUB_CONFIG_KEY,
  defaultDockerConfigPath,
  dockerConfigKey,
} from '../../src/http/auth/credentials/docker-config.js';

let dir: string;
let env: NodeJS.ProcessEnv;
let stdinLog: string;

const HELPER = `#!/bin/sh
# A fake docker-credential-test: records stdin, answers per server URL.
IFS= read -r host || true
printf '%s\\n' "$host" >> "$STDIN_LOG"
case "$host" in
  "helper.example.com") echo '{"ServerURL":"helper.example.com","Username":"helper-user","Secret":"helper:secret"}' ;;
  "token.example.com") echo '{"ServerURL":"token.example.com","Username":"<token>","Secret":"id-token-1"}' ;;
  "${DOCKER_HUB_CONFIG_KEY}") echo '{"ServerURL":"hub","Username":"hubuser","Secret":"hubpass"}' ;;
  "broken.example.com") echo 'not json' ;;
  "crash.example.com") echo 'boom' >&2; exit 3 ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlm-docker-config-'));
  await mkdir(join(dir, 'bin'));
  const helper = join(dir, 'bin', 'docker-credential-test');
  await writeFile(helper, HELPER);
  await chmod(helper, 0o755);
  stdinLog = join(dir, 'stdin.log');
  env = {
    ...process.env,
    PATH: `${join(dir, 'bin')}${delimiter}${process.env['PATH'] ?? ''}`,
    STDIN_LOG: stdinLog,
  };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('credential helper', () => {
  it('sends the server URL on stdin and reads Username/Secret', async () => {
    expect(await runCredentialHelper('test', 'helper.example.com', { env })).toEqual({
      username: 'helper-user',
      password: 'helper:secret',
    });
    expect((await readFile(stdinLog, 'utf8')).split('\n')).toContain('helper.example.com');
  });
  it('maps Username <token> to an identity token', async () => {
    expect(await runCredentialHelper('test', 'token.example.com', { env })).toEqual({
      identityToken: 'id-token-1',
    });
  });
  it('answers undefined for "credentials not found"', async () => {
    expect(await runCredentialHelper('test', 'unknown.example.com', { env })).toBeUndefined();
  });
  it('fails clearly, without the output, for a crash, bad JSON or a missing helper', async () => {
    await expect(runCredentialHelper('test', 'crash.example.com', { env })).rejects.toThrow(
      /exit code 3/,
    );
    await expect(runCredentialHelper('test', 'broken.example.com', { env })).rejects.toThrow(
      /not JSON/,
    );
    await expect(runCredentialHelper('missing-helper', 'x', { env })).rejects.toThrow(
      /could not be run/,
    );
    await expect(runCredentialHelper('../evil', 'x', { env })).rejects.toThrow(
      /Invalid credential helper/,
    );
  });
});

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

describe('reading config.json', () => {
  it('finds $DOCKER_CONFIG/config.json, else ~/.docker/config.json', () => {
    expect(defaultDockerConfigPath({ DOCKER_CONFIG: '/cfg' })).toBe(join('/cfg', 'config.json'));
    expect(defaultDockerConfigPath({})).toMatch(/\.docker[/\\]config\.json$/);
  });
  it('treats a missing file as empty and refuses invalid JSON without quoting it', async () => {
    expect(await readCredentialFile(join(dir, 'nope.json'))).toEqual({});
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"auths": {"x": {"auth": "c2VjcmV0"}');
    const error = await readCredentialFile(bad).catch((e: unknown) => e);
    expect(String(error)).toMatch(/not valid JSON/);
    expect(String(error)).not.toContain('c2VjcmV0');
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
