// ManifestListMerger over HttpRegistryClient against real CNCF distribution registries, in
// each auth mode: what the tag holds afterwards, request counts, and "absent" semantics.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  AuthenticationError,
  HttpRegistryClient,
  ManifestListMerger,
  parseManifestList,
  type RequestEvent,
} from '../../../src/index.js';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy.js';
import { getManifest, pushList } from '../../support/images.js';
import { startTokenRegistry, type TokenTestRegistry, uniqueRepo } from '../../support/registry.js';
import type { RegistryInfo } from '../../support/types.js';

const registries = inject('registries');

function clientFor(reg: RegistryInfo, onRequest?: (e: RequestEvent) => void) {
  return new HttpRegistryClient({
    ...(reg.username ? { username: reg.username, password: reg.password } : {}),
    ...(onRequest ? { onRequest } : {}),
  });
}

async function platformsAt(reg: RegistryInfo, repo: string, tag: string) {
  const got = await getManifest(reg, repo, tag);
  const list = parseManifestList(got.bytes);
  return {
    digest: got.digest,
    list,
    platforms: list.manifests.map((m) => `${m.platform?.os}/${m.platform?.architecture}`),
  };
}

describe.each(['anonymous', 'basic', 'token'] as const)('on a %s registry', (kind) => {
  const reg = () => registries[kind];

  it('merge: the tag holds every source platform plus the destination-only ones, at the returned digest', async () => {
    const repo = uniqueRepo(kind === 'anonymous' ? 'e2e' : 'e2e');
    const src = await pushList(reg(), repo, 'build', { platforms: ['linux/amd64', 'linux/arm64'] });
    const dest = await pushList(reg(), repo, 'release', {
      platforms: ['linux/amd64', 'linux/ppc64le', 'linux/s390x'],
    });
    const client = clientFor(reg());
    const merger = new ManifestListMerger({
      srcImage: `${reg().host}/${repo}:build`,
      destImage: `${reg().host}/${repo}:release`,
      srcClient: client,
      destClient: client,
    });
    const result = await merger.mergeManifestLists();
    expect(result.outcome).toBe('pushed');
    expect(result.fromSource).toEqual(['linux/amd64', 'linux/arm64']);
    expect(result.fromDestination).toEqual(['linux/ppc64le', 'linux/s390x']);
    const after = await platformsAt(reg(), repo, 'release');
    expect(after.digest).toBe(result.digest);
    expect(after.platforms).toEqual(['linux/amd64', 'linux/arm64', 'linux/ppc64le', 'linux/s390x']);
    expect(after.list.manifests.map((m) => m.digest)).toEqual([
      src.entries[0]?.digest,
      src.entries[1]?.digest,
      dest.entries[1]?.digest,
      dest.entries[2]?.digest,
    ]);
  });

  it('select: selected architectures replace theirs, the rest is kept; pushed only when asked', async () => {
    const repo = uniqueRepo('e2e');
    const src = await pushList(reg(), repo, 'build', {
      platforms: ['linux/amd64', 'linux/s390x'],
      format: 'oci',
    });
    const before = await pushList(reg(), repo, 'release', {
      platforms: ['linux/amd64', 'linux/s390x', 'linux/arm64'],
      format: 'oci',
    });
    const client = clientFor(reg());
    const merger = new ManifestListMerger({
      srcImage: `${reg().host}/${repo}:build`,
      destImage: `${reg().host}/${repo}:release`,
      srcClient: client,
      destClient: client,
    });
    const plan = await merger.mergeSelectedArchitectures(['s390x']);
    expect(plan.outcome).toBe('not-pushed');
    expect((await platformsAt(reg(), repo, 'release')).digest).toBe(before.digest);

    const result = await merger.mergeSelectedArchitectures(['s390x'], { push: true });
    expect(result.digest).toBe(plan.digest);
    const after = await platformsAt(reg(), repo, 'release');
    expect(after.digest).toBe(result.digest);
    expect(after.list.manifests.map((m) => m.digest)).toEqual([
      src.entries[1]?.digest, // s390x from the source
      before.entries[0]?.digest, // amd64 kept
      before.entries[2]?.digest, // arm64 kept
    ]);
  });

  it('the select mode creates a destination that does not exist', async () => {
    const repo = uniqueRepo('e2e');
    await pushList(reg(), repo, 'build', { platforms: ['linux/amd64', 'linux/s390x'] });
    const client = clientFor(reg());
    const result = await new ManifestListMerger({
      srcImage: `${reg().host}/${repo}:build`,
      destImage: `${reg().host}/${repo}:fresh`,
      srcClient: client,
      destClient: client,
    }).mergeSelectedArchitectures(['s390x'], { push: true });
    const after = await platformsAt(reg(), repo, 'fresh');
    expect(after.platforms).toEqual(['linux/s390x']);
    expect(after.digest).toBe(result.digest);
  });
});

describe('seed-compatible construction', () => {
  it('builds HTTP clients from usernames and passwords (basic auth)', async () => {
    const reg = registries.basic;
    const repo = uniqueRepo('seed');
    await pushList(reg, repo, 'build', { platforms: ['linux/amd64'] });
    await pushList(reg, repo, 'release', { platforms: ['linux/s390x'] });
    const merger = new ManifestListMerger({
      srcImage: `${reg.host}/${repo}:build`,
      destImage: `${reg.host}/${repo}:release`,
      srcUsername: reg.username,
      srcPassword: reg.password,
      destUsername: reg.username,
      destPassword: reg.password,
    });
    const result = await merger.mergeManifestLists();
    expect((await platformsAt(reg, repo, 'release')).platforms).toEqual([
      'linux/amd64',
      'linux/s390x',
    ]);
    expect(result.outcome).toBe('pushed');
  });
});

describe('under token auth, counted', () => {
  let reg: TokenTestRegistry;
  let proxy: FaultProxy;
  beforeAll(async () => {
    reg = await startTokenRegistry();
    proxy = await startFaultProxy(reg);
  });
  afterAll(async () => {
    await proxy?.stop();
    await reg?.stop();
  });

  it('a warm client merges with exactly GET, GET, PUT and no token request (soleWriter); + one verification GET by default', async () => {
    const repo = uniqueRepo('warm');
    await pushList(reg, repo, 'release', { platforms: ['linux/s390x'] });
    for (const arch of ['amd64', 'arm64', 'ppc64le'])
      await pushList(reg, repo, `build-${arch}`, { platforms: [`linux/${arch}`] });
    const events: RequestEvent[] = [];
    const client = new HttpRegistryClient({
      username: reg.username,
      password: reg.password,
      onRequest: (e) => events.push(e),
    });
    const merge = (arch: string, soleWriter: boolean) =>
      new ManifestListMerger({
        srcImage: `${proxy.host}/${repo}:build-${arch}`,
        destImage: `${proxy.host}/${repo}:release`,
        srcClient: client,
        destClient: client,
        soleWriter,
        // A fixed window, long enough that the read is still fresh at the PUT on a busy
        // machine: the request count below does not depend on timing.
        settleTime: 300,
        referrers: false, // the old list's lookups are counted in test/integration/publish/referrers.test.ts
      }).mergeManifestLists();

    await merge('amd64', true); // warms the client: tokens for pull,push on the repository
    proxy.clearLog();
    reg.issuer.resetCounts();
    events.length = 0;
    await merge('arm64', true);
    expect(proxy.log.map((e) => e.method)).toEqual(['GET', 'GET', 'PUT']);
    expect(reg.issuer.counts.total).toBe(0);
    expect(events.filter((e) => e.kind === 'token')).toEqual([]);

    proxy.clearLog();
    await merge('ppc64le', false);
    expect(proxy.log.map((e) => e.method)).toEqual(['GET', 'GET', 'PUT', 'GET']);
    expect(proxy.log[2]?.path).toBe(`/v2/${repo}/manifests/release`);
    expect(proxy.log[3]?.path).toBe(`/v2/${repo}/manifests/release`);
    expect(reg.issuer.counts.total).toBe(0);
    expect((await platformsAt(reg, repo, 'release')).platforms).toEqual([
      'linux/ppc64le',
      'linux/arm64',
      'linux/amd64',
      'linux/s390x',
    ]);
  });

  it('a destination the user may not read counts as absent in the select mode (401 after a granted token)', async () => {
    const repo = `private/${uniqueRepo('dest').split('/')[1]}`;
    await pushList(reg, repo, 'build', { platforms: ['linux/amd64'] });
    await pushList(reg, repo, 'release', { platforms: ['linux/s390x'] });
    // bob's credentials are valid, but the issuer grants him nothing under private/: the
    // registry answers 401 to a request carrying a granted token (Quay's "no such repository").
    const previous = reg.issuer.policy;
    reg.issuer.policy = (subject, resource, requested) =>
      subject === 'bob' && resource.name.startsWith('private/')
        ? []
        : previous(subject, resource, requested);
    try {
      const alice = new HttpRegistryClient({ username: reg.username, password: reg.password });
      const bob = new HttpRegistryClient({ username: 'bob', password: reg.users.bob?.password });
      const result = await new ManifestListMerger({
        srcImage: `${reg.host}/${repo}:build`,
        destImage: `${reg.host}/${repo}:release`,
        srcClient: alice,
        destClient: bob,
      }).mergeSelectedArchitectures(['amd64']);
      expect(result.manifestList.manifests.map((m) => m.platform?.architecture)).toEqual(['amd64']);

      // Without any credentials the same 401 is an authentication error, not "absent".
      const error = await new ManifestListMerger({
        srcImage: `${reg.host}/${repo}:build`,
        destImage: `${reg.host}/${repo}:release`,
        srcClient: alice,
        destClient: new HttpRegistryClient(),
      })
        .mergeSelectedArchitectures(['amd64'])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthenticationError);
    } finally {
      reg.issuer.policy = previous;
    }
  });

  it('a wrong password is an AuthenticationError, never "absent", and the password appears nowhere', async () => {
    const repo = uniqueRepo('wrong');
    await pushList(reg, repo, 'build', { platforms: ['linux/amd64'] });
    const secret = 'not-the-password-9f8e7d';
    const bad = new HttpRegistryClient({ username: reg.username, password: secret });
    const good = new HttpRegistryClient({ username: reg.username, password: reg.password });
    const error = await new ManifestListMerger({
      srcImage: `${reg.host}/${repo}:build`,
      destImage: `${reg.host}/${repo}:release`,
      srcClient: good,
      destClient: bad,
    })
      .mergeSelectedArchitectures(['amd64'], { push: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    const { inspect } = await import('node:util');
    for (const text of [
      String(error),
      JSON.stringify(error),
      inspect(error, { depth: 10 }),
      (error as Error).stack ?? '',
    ]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(Buffer.from(`${reg.username}:${secret}`).toString('base64'));
    }
    expect(await listTagsSafe(reg, repo)).not.toContain('release');
  });
});

async function listTagsSafe(reg: RegistryInfo, repo: string): Promise<string[]> {
  const { listTags } = await import('../../support/images.js');
  return listTags(reg, repo);
}
