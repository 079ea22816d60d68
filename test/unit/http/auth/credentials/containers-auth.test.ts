// podman's, skopeo's and buildah's credentials (containers-auth.json(5)) through the credential
// chain, on real files in temp directories: which files, in which order, which key wins.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { CredentialSourceError } from '../../../../../src/errors/credential-source-error.js';
import {
  type ContainersAuthSystem,
  containersAuthPaths,
} from '../../../../../src/http/auth/credentials/containers-auth.js';
import {
  type CredentialSources,
  createCredentialChain,
} from '../../../../../src/http/auth/credentials/credential-chain.js';
import { linkToDevZero, makeFifo, makeLargeJson } from '../../../../support/hostile-inputs.js';

const root = mkdtempSync(join(tmpdir(), 'mlm-containers-auth-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const b64 = (s: string) => Buffer.from(s).toString('base64');
const entry = (user: string) => ({ auth: b64(`${user}:pw-${user}`) });
const creds = (user: string) => ({ username: user, password: `pw-${user}` });

// A fake docker-credential-podtest: answers for helper.example.com only.
const bin = join(root, 'bin');
mkdirSync(bin);
writeFileSync(
  join(bin, 'docker-credential-podtest'),
  `#!/bin/sh\nIFS= read -r host || true\n[ "$host" = "helper.example.com" ] || { echo "credentials not found in native keychain"; exit 1; }\necho '{"ServerURL":"helper.example.com","Username":"from-helper","Secret":"s"}'\n`,
);
chmodSync(join(bin, 'docker-credential-podtest'), 0o755);

/** A fresh set of directories: the runtime dir, the config home, a Docker config dir. */
let n = 0;
let dirs: { runtime: string; config: string; docker: string; other: string };
beforeEach(() => {
  const base = join(root, `case-${++n}`);
  dirs = {
    runtime: join(base, 'run'),
    config: join(base, 'config'),
    docker: join(base, 'docker'),
    other: join(base, 'other'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
});

/** Writes `content` (JSON unless a string) as `dir/containers/auth.json`, or at `path`. */
function authFile(dir: string, content: unknown, name = join('containers', 'auth.json')): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function chain(options: Partial<CredentialSources> = {}, env: NodeJS.ProcessEnv = {}) {
  return createCredentialChain({
    containersAuth: true,
    env: {
      PATH: `${bin}${delimiter}${process.env['PATH'] ?? ''}`,
      XDG_RUNTIME_DIR: dirs.runtime,
      XDG_CONFIG_HOME: dirs.config,
      DOCKER_CONFIG: dirs.docker,
      ...env,
    },
    ...options,
  });
}

describe('containersAuthPaths: the files, in the order of containers-auth.json(5)', () => {
  const linux: ContainersAuthSystem = { platform: 'linux', uid: 1000, home: '/home/me' };
  const user = '/home/me/.config/containers/auth.json';
  it.each([
    [
      'XDG_RUNTIME_DIR, then ~/.config',
      undefined,
      { XDG_RUNTIME_DIR: '/run/user/1000' },
      linux,
      [
        ['/run/user/1000/containers/auth.json', false],
        [user, false],
      ],
    ],
    [
      'XDG_CONFIG_HOME moves the second file',
      undefined,
      { XDG_RUNTIME_DIR: '/r', XDG_CONFIG_HOME: '/cfg' },
      linux,
      [
        ['/r/containers/auth.json', false],
        ['/cfg/containers/auth.json', false],
      ],
    ],
    [
      'REGISTRY_AUTH_FILE replaces the primary file, and must exist',
      undefined,
      { REGISTRY_AUTH_FILE: '/ci/auth.json', XDG_RUNTIME_DIR: '/r' },
      linux,
      [
        ['/ci/auth.json', true],
        [user, false],
      ],
    ],
    [
      'the option (--authfile) wins over REGISTRY_AUTH_FILE',
      '/opt/auth.json',
      { REGISTRY_AUTH_FILE: '/ci/auth.json' },
      linux,
      [
        ['/opt/auth.json', true],
        [user, false],
      ],
    ],
    [
      'an empty REGISTRY_AUTH_FILE is unset',
      undefined,
      { REGISTRY_AUTH_FILE: '', XDG_RUNTIME_DIR: '/r' },
      linux,
      [
        ['/r/containers/auth.json', false],
        [user, false],
      ],
    ],
    [
      "Linux without XDG_RUNTIME_DIR: podman's /run/containers/$UID",
      undefined,
      {},
      { ...linux, uid: 0 },
      [
        ['/run/containers/0/auth.json', false],
        [user, false],
      ],
    ],
    [
      'elsewhere the primary file is ~/.config/containers/auth.json (read once)',
      undefined,
      { XDG_RUNTIME_DIR: '/r' },
      { ...linux, platform: 'darwin' },
      [[user, false]],
    ],
  ] as const)('%s', (_, option, env, system, expected) => {
    expect(containersAuthPaths(option, env, system).map((p) => [p.path, p.required])).toEqual(
      expected,
    );
  });
});

describe('the lookup in one auth.json', () => {
  it.each([
    ['quay.io', 'ns/app', 'app'],
    ['quay.io', 'ns/app/sub', 'app'],
    ['quay.io', 'ns/other', 'ns'],
    ['quay.io', 'nsx/app', 'host'], // components, not string prefixes
    ['quay.io', 'other/x', 'host'],
    ['quay.io', undefined, 'host'],
    ['only-ns.io', 'ns/app', undefined], // a namespace key serves its namespace alone
    ['only-ns.io', 'team/app', 'team'],
    ['url.example.com', 'a/b', 'url'],
    ['port.example.com:5000', 'a/b', 'port'],
    ['docker.io', 'library/alpine', 'hub-library'],
    ['docker.io', 'acme/app', 'hub'],
  ])('%s %s → %s', async (host, repository, expected) => {
    authFile(dirs.runtime, {
      auths: {
        'quay.io': entry('host'),
        'quay.io/ns': entry('ns'),
        'quay.io/ns/app': entry('app'),
        'only-ns.io/team': entry('team'),
        'https://url.example.com/v1/': entry('url'),
        'http://port.example.com:5000': entry('port'),
        'https://index.docker.io/v1/': entry('hub'),
        'docker.io/library': entry('hub-library'),
      },
    });
    expect(await chain()(host, repository)).toEqual(expected && creds(expected));
  });

  it.each(['docker.io', 'index.docker.io', 'registry-1.docker.io'])(
    "Docker Hub's key %s serves docker.io",
    async (key) => {
      authFile(dirs.runtime, { auths: { [key]: entry('hub') } });
      expect(await chain()('docker.io', 'library/alpine')).toEqual(creds('hub'));
    },
  );

  it('credHelpers[host] runs its helper with the host; with nothing, the next file is read', async () => {
    authFile(dirs.runtime, {
      credHelpers: { 'helper.example.com': 'podtest', 'empty.example.com': 'podtest' },
      auths: { 'helper.example.com': entry('inline'), 'empty.example.com': entry('inline') },
    });
    authFile(dirs.config, { auths: { 'empty.example.com': entry('second') } });
    expect(await chain()('helper.example.com', 'a/b')).toEqual({
      username: 'from-helper',
      password: 's',
    });
    expect(await chain()('empty.example.com', 'a/b')).toEqual(creds('second'));
  });

  it('identitytoken is read as in Docker', async () => {
    authFile(dirs.runtime, { auths: { 'quay.io': { identitytoken: 'refresh' } } });
    expect(await chain()('quay.io', 'a/b')).toEqual({ identityToken: 'refresh' });
  });
});

describe('the files, in order', () => {
  it('the first file with an entry for the registry wins, even if a later one is more specific', async () => {
    authFile(dirs.runtime, { auths: { 'quay.io': entry('runtime') } });
    authFile(dirs.config, { auths: { 'quay.io/ns/app': entry('config'), 'ghcr.io': entry('gh') } });
    const lookup = chain();
    expect(await lookup('quay.io', 'ns/app')).toEqual(creds('runtime'));
    expect(await lookup('ghcr.io', 'ns/app')).toEqual(creds('gh'));
  });

  it('an empty entry ({}) passes to the next file', async () => {
    authFile(dirs.runtime, { auths: { 'quay.io': {} } });
    authFile(dirs.config, { auths: { 'quay.io': entry('config') } });
    expect(await chain()('quay.io', 'ns/app')).toEqual(creds('config'));
  });

  it('REGISTRY_AUTH_FILE is read instead of the runtime file; then ~/.config', async () => {
    authFile(dirs.runtime, { auths: { 'quay.io': entry('runtime') } });
    authFile(dirs.config, { auths: { 'ghcr.io': entry('config') } });
    const named = authFile(dirs.other, { auths: { 'quay.io': entry('named') } }, 'ci.json');
    const lookup = chain({}, { REGISTRY_AUTH_FILE: named });
    expect(await lookup('quay.io', 'ns/app')).toEqual(creds('named'));
    expect(await lookup('ghcr.io', 'ns/app')).toEqual(creds('config'));
  });

  it('the containersAuth path wins over REGISTRY_AUTH_FILE', async () => {
    const env = authFile(dirs.other, { auths: { 'quay.io': entry('env') } }, 'env.json');
    const opt = authFile(dirs.other, { auths: { 'quay.io': entry('option') } }, 'opt.json');
    const lookup = chain({ containersAuth: opt }, { REGISTRY_AUTH_FILE: env });
    expect(await lookup('quay.io', 'ns/app')).toEqual(creds('option'));
  });

  it('the default files may be missing; a file the user named may not', async () => {
    expect(await chain()('quay.io', 'ns/app')).toBeUndefined();
    const missing = join(dirs.other, 'missing.json');
    const error = await chain({ containersAuth: missing })('quay.io', 'ns/app').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CredentialSourceError);
    expect(error).toMatchObject({ reason: 'unreadable', source: missing, detail: 'ENOENT' });
    const fromEnv = await chain(
      {},
      { REGISTRY_AUTH_FILE: missing },
    )('quay.io').catch((e: unknown) => e);
    expect(fromEnv).toMatchObject({ reason: 'unreadable', source: missing });
  });

  it('each file is read once per chain, and the answer remembered per host and repository', async () => {
    const path = authFile(dirs.runtime, {
      auths: { 'quay.io/a': entry('a'), 'quay.io/b': entry('b') },
    });
    const lookup = chain();
    expect(await lookup('quay.io', 'a/x')).toEqual(creds('a'));
    writeFileSync(path, '{}');
    expect(await lookup('quay.io', 'b/x')).toEqual(creds('b'));
  });

  it('off unless asked for: containersAuth false reads nothing, REGISTRY_AUTH_FILE included', async () => {
    authFile(dirs.runtime, { auths: { 'quay.io': entry('runtime') } });
    const missing = join(dirs.other, 'missing.json');
    const lookup = chain({ containersAuth: false }, { REGISTRY_AUTH_FILE: missing });
    expect(await lookup('quay.io', 'ns/app')).toBeUndefined();
  });
});

describe('the chain around the containers files', () => {
  it('username/password → provider → auth.json → Docker config', async () => {
    authFile(dirs.runtime, {
      auths: { 'both.io': entry('podman'), 'provided.io': entry('podman') },
    });
    writeFileSync(
      join(dirs.docker, 'config.json'),
      JSON.stringify({ auths: { 'both.io': entry('docker'), 'docker-only.io': entry('docker') } }),
    );
    const lookup = chain({
      dockerConfig: true,
      credentials: (host) => (host === 'provided.io' ? creds('provider') : undefined),
    });
    expect(await lookup('provided.io', 'a/b')).toEqual(creds('provider'));
    expect(await lookup('both.io', 'a/b')).toEqual(creds('podman'));
    expect(await lookup('docker-only.io', 'a/b')).toEqual(creds('docker'));
    const explicit = chain({ dockerConfig: true, username: 'u', password: 'p' });
    expect(await explicit('both.io', 'a/b')).toEqual({ username: 'u', password: 'p' });
  });

  it('the provider is asked once per host, whatever the repository', async () => {
    const asked: string[] = [];
    const lookup = chain({
      credentials: (host) => {
        asked.push(host);
        return undefined;
      },
    });
    await lookup('quay.io', 'a/x');
    await lookup('quay.io', 'b/x');
    expect(asked).toEqual(['quay.io']);
  });
});

describe('files that are refused, naming the file and never its content', () => {
  it.each([
    ['a FIFO', (d: string) => makeFifo(d, 'auth.json'), 'not-a-file'],
    ['a link to /dev/zero', (d: string) => linkToDevZero(d, 'auth.json'), 'not-a-file'],
    ['a 2 MiB file', (d: string) => makeLargeJson(d, 2 << 20, 'auth.json'), 'too-large'],
    [
      'not JSON',
      (d: string) => authFile(d, '{"auths": {"quay.io": {"auth": "c2VjcmV0', 'auth.json'),
      'invalid-json',
    ],
  ])('%s', async (_, make, reason) => {
    const dir = join(dirs.runtime, 'containers');
    mkdirSync(dir, { recursive: true });
    const path = make(dir);
    const started = Date.now();
    const error = await chain()('quay.io', 'ns/app').catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(CredentialSourceError);
    expect(error).toMatchObject({ reason, source: path });
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).not.toContain('c2VjcmV0');
  });

  it('an auth field without ":" names the file and the key, not the value', async () => {
    const path = authFile(dirs.runtime, {
      auths: { 'quay.io/ns': { auth: b64('nocolon-secret') } },
    });
    const error = await chain()('quay.io', 'ns/app').catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'malformed-entry' });
    const message = (error as Error).message;
    expect(message).toContain(path);
    expect(message).toContain('quay.io/ns');
    expect(message).not.toContain('nocolon-secret');
    expect(message).not.toContain(b64('nocolon-secret'));
  });
});
