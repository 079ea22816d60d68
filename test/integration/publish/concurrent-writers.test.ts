// Writers in other processes on a real registry: the orderings that lose a platform, a
// registry that honours preconditions (emulated by the fault proxy), registries whose HEADs
// lie, and a destination the credentials cannot read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DestinationUnreadableError,
  HttpRegistryClient,
  ManifestListMerger,
  type ManifestListMergerOptions,
} from '../../../src/index.js';
import { runSpawned } from '../../support/cli.js';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy.js';
import { archsAt, mountBlob, pushList, putManifest } from '../../support/images.js';
import {
  startAnonymousRegistry,
  startTokenRegistry,
  type TestRegistry,
  type TokenTestRegistry,
  uniqueRepo,
} from '../../support/registry.js';

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('two processes, one of them with its PUT held in flight', () => {
  let reg: TestRegistry;
  let proxy: FaultProxy;
  beforeAll(async () => {
    reg = await startAnonymousRegistry();
    proxy = await startFaultProxy(reg);
  });
  afterAll(async () => {
    await proxy?.stop();
    await reg?.stop();
  });

  it('B merges and exits while A’s PUT is held 1.5 s, then lands over it: no platform is lost', async () => {
    const repo = uniqueRepo('held');
    await pushList(reg, repo, 'release', { platforms: ['linux/amd64'] });
    await pushList(reg, repo, 'build-s390x', { platforms: ['linux/s390x'] });
    await pushList(reg, repo, 'build-arm64', { platforms: ['linux/arm64'] });
    const held = proxy.addFault({
      method: 'PUT',
      path: new RegExp(`/${repo}/manifests/release$`),
      action: 'delay',
      ms: 1500,
    });
    const at = (tag: string) => `${proxy.host}/${repo}:${tag}`;
    const a = runSpawned(['merge', '--src', at('build-s390x'), '--dest', at('release'), '--json']);
    await until(() => held.hits === 1);
    // A read [amd64] and its PUT of [s390x, amd64] is in flight: B now merges and verifies.
    const b = await runSpawned(['merge', '--src', at('build-arm64'), '--dest', at('release')]);
    expect(b.code).toBe(0);
    const ra = await a;
    // A's PUT landed over B's list; A saw B's list while waiting and put arm64 back.
    expect(ra.code).toBe(0);
    expect(JSON.parse(ra.stdout).verification).toMatchObject({
      otherWriters: 1,
      restored: ['linux/arm64'],
    });
    expect((await archsAt(reg, repo, 'release')).sort()).toEqual(['amd64', 'arm64', 's390x']);
  });
});

describe('a registry that honours If-Match (emulated by the fault proxy)', () => {
  let reg: TestRegistry;
  let proxy: FaultProxy;
  beforeAll(async () => {
    reg = await startAnonymousRegistry();
    proxy = await startFaultProxy(reg, { honourPreconditions: true });
  });
  afterAll(async () => {
    await proxy?.stop();
    await reg?.stop();
  });

  /** Holds the next PUT of `repo:release` 300 ms, so that another writer can move the tag. */
  const holdReleasePut = (repo: string) =>
    proxy.addFault({
      method: 'PUT',
      path: new RegExp(`/${repo}/manifests/release$`),
      action: 'delay',
      ms: 300,
    });
  /** A merger of `repo:build` into `repo:release` through the proxy, over one client. */
  const proxiedMerger = (repo: string, extra: Partial<ManifestListMergerOptions>) => {
    const client = new HttpRegistryClient();
    return new ManifestListMerger({
      srcImage: `${proxy.host}/${repo}:build`,
      destImage: `${proxy.host}/${repo}:release`,
      srcClient: client,
      destClient: client,
      ...extra,
    });
  };

  it('a 412 sends the merge back to reading and merging; nothing is overwritten', async () => {
    const repo = uniqueRepo('cas');
    await pushList(reg, repo, 'release', { platforms: ['linux/amd64'] });
    await pushList(reg, repo, 'build', { platforms: ['linux/s390x'] });
    // Our PUT is held while another writer pushes directly; then the proxy checks If-Match.
    holdReleasePut(repo);
    const pending = proxiedMerger(repo, {
      soleWriter: true, // only the precondition stands between the two writers
    }).mergeManifestLists();
    await until(() => proxy.log.some((e) => e.method === 'PUT' && e.fault === 'delay'));
    await pushList(reg, repo, 'release', { platforms: ['linux/amd64', 'linux/ppc64le'] });
    const result = await pending;
    expect(proxy.preconditionFailures).toBe(1);
    expect(result.attempts).toBe(2);
    const puts = proxy.log.filter((e) => e.method === 'PUT' && e.path.endsWith('/release'));
    expect(puts.map((e) => e.status)).toEqual([412, 201]);
    expect((await archsAt(reg, repo, 'release')).sort()).toEqual(['amd64', 'ppc64le', 's390x']);
  });

  it('a new tag is created with If-None-Match: * (412 when it appeared meanwhile)', async () => {
    const repo = uniqueRepo('cas-new');
    await pushList(reg, repo, 'build', { platforms: ['linux/s390x', 'linux/arm64'] });
    holdReleasePut(repo);
    const pending = proxiedMerger(repo, {
      soleWriter: true,
    }).mergeSelectedArchitectures(['s390x'], { push: true });
    await until(() => proxy.log.some((e) => e.method === 'PUT' && e.fault === 'delay'));
    await pushList(reg, repo, 'release', { platforms: ['linux/riscv64'] });
    const result = await pending;
    expect(result.attempts).toBe(2);
    expect((await archsAt(reg, repo, 'release')).sort()).toEqual(['riscv64', 's390x']);
  });
});

describe('registries whose HEADs lie', () => {
  let reg: TestRegistry;
  let proxy: FaultProxy;
  beforeAll(async () => {
    reg = await startAnonymousRegistry();
    proxy = await startFaultProxy(reg);
  });
  afterAll(async () => {
    await proxy?.stop();
    await reg?.stop();
  });

  it.each([
    ['Nexus', 404],
    ['Artifactory', 403],
  ])('%s-style HEAD %s where GET works: no false conflict, no needless copy', async (_, status) => {
    const repo = uniqueRepo('liar');
    await pushList(reg, repo, 'release', { platforms: ['linux/amd64'] });
    const build = await pushList(reg, `${repo}-build`, 'v1', { platforms: ['linux/s390x'] });
    // The child is already in the destination repository too.
    for (const img of build.images) {
      for (const blob of [img.config, ...img.layers])
        expect(await mountBlob(reg, repo, `${repo}-build`, blob.digest)).toBe(201);
      await putManifest(reg, repo, img.digest, img.bytes, img.mediaType);
    }
    const lie = proxy.addFault({
      method: 'HEAD',
      path: /\/manifests\//,
      action: 'respond',
      status,
      times: Number.POSITIVE_INFINITY,
    });
    try {
      proxy.clearLog();
      const client = new HttpRegistryClient();
      const result = await new ManifestListMerger({
        srcImage: `${proxy.host}/${repo}-build:v1`,
        destImage: `${proxy.host}/${repo}:release`,
        srcClient: client,
        destClient: client,
        settleTime: 1, // makes the pre-PUT check run: the read is "old" after 0.5 ms
      }).mergeManifestLists();
      expect(result.attempts).toBe(1);
      expect(result.copy).toBeUndefined(); // the child was confirmed present by a GET
      expect(lie.hits).toBeGreaterThan(0);
      expect((await archsAt(reg, repo, 'release')).sort()).toEqual(['amd64', 's390x']);
    } finally {
      lie.remove();
    }
  });
});

describe('a destination the credentials cannot read', () => {
  let reg: TokenTestRegistry;
  beforeAll(async () => {
    reg = await startTokenRegistry({
      users: { alice: 'alice-pw', robot: 'robot-pw' },
      // robot may write but not read: a token asked for pull alone grants it nothing
      // (distribution needs pull with push for a PUT, so a write token grants both).
      policy: (subject, _resource, requested) =>
        subject === 'alice' || (subject === 'robot' && requested.includes('push')) ? requested : [],
    });
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('the select mode with push refuses to overwrite a tag a push-only robot cannot read', async () => {
    const repo = uniqueRepo('robot');
    await pushList(reg, repo, 'release', {
      platforms: ['linux/ppc64le', 'linux/riscv64', 'linux/s390x'],
    });
    await pushList(reg, repo, 'build', { platforms: ['linux/amd64'] });
    const alice = new HttpRegistryClient({ username: 'alice', password: 'alice-pw' });
    const robot = new HttpRegistryClient({ username: 'robot', password: 'robot-pw' });
    const error = await new ManifestListMerger({
      srcImage: `${reg.host}/${repo}:build`,
      destImage: `${reg.host}/${repo}:release`,
      srcClient: alice,
      destClient: robot,
    })
      .mergeSelectedArchitectures(['amd64'], { push: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DestinationUnreadableError);
    expect(String((error as Error).message)).not.toContain('robot-pw');
    expect((await archsAt(reg, repo, 'release')).sort()).toEqual(['ppc64le', 'riscv64', 's390x']);
  });

  it('the same robot creates a tag the caller vouches is new (--new-destination)', async () => {
    const repo = uniqueRepo('robot-new');
    await pushList(reg, repo, 'build', { platforms: ['linux/amd64', 'linux/arm64'] });
    const run = await runSpawned(
      [
        'select',
        '--src',
        `${reg.host}/${repo}:build`,
        '--dest',
        `${reg.host}/${repo}:release`,
        '--arch',
        'amd64',
        '--push',
        '--new-destination',
        '--dest-username',
        'robot',
        '--dest-password-stdin',
        '--src-username',
        'alice',
      ],
      { stdin: 'robot-pw\n', env: { MLM_SRC_PASSWORD: 'alice-pw' } },
    );
    expect(run.stderr).not.toContain('robot-pw');
    expect(run.code).toBe(0);
    expect(await archsAt(reg, repo, 'release')).toEqual(['amd64']);
  });

  it('without --new-destination the CLI exits 5 and pushes nothing', async () => {
    const repo = uniqueRepo('robot-cli');
    await pushList(reg, repo, 'release', { platforms: ['linux/s390x'] });
    await pushList(reg, repo, 'build', { platforms: ['linux/amd64'] });
    const run = await runSpawned(
      [
        'select',
        '--src',
        `${reg.host}/${repo}:build`,
        '--dest',
        `${reg.host}/${repo}:release`,
        '--arch',
        'amd64',
        '--push',
        '--dest-username',
        'robot',
        '--dest-password-stdin',
        '--src-username',
        'alice',
      ],
      { stdin: 'robot-pw\n', env: { MLM_SRC_PASSWORD: 'alice-pw' } },
    );
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/--new-destination/);
    expect(await archsAt(reg, repo, 'release')).toEqual(['s390x']);
  });

  it('a 401 although the token grants pull (Quay: no such repository) counts as absent', async () => {
    const repo = uniqueRepo('quay');
    await pushList(reg, repo, 'build', { platforms: ['linux/amd64'] });
    const proxy = await startFaultProxy(reg);
    try {
      // Quay answers a granted pull on a missing repository with 401: so does the proxy here.
      proxy.addFault({
        method: 'GET',
        path: new RegExp(`/${repo}/manifests/release$`),
        action: 'respond',
        status: 401,
        headers: {
          'www-authenticate': `Bearer realm="${reg.token?.realm}",service="${reg.token?.service}",scope="repository:${repo}:pull"`,
        },
        body: '{"errors":[{"code":"UNAUTHORIZED"}]}',
        times: 2,
      });
      const alice = new HttpRegistryClient({ username: 'alice', password: 'alice-pw' });
      const result = await new ManifestListMerger({
        srcImage: `${proxy.host}/${repo}:build`,
        destImage: `${proxy.host}/${repo}:release`,
        srcClient: alice,
        destClient: alice,
      }).mergeSelectedArchitectures(['amd64'], { push: true });
      expect(result.outcome).toBe('pushed');
      expect(await archsAt(reg, repo, 'release')).toEqual(['amd64']);
    } finally {
      await proxy.stop();
    }
  });
});
