// pushManifestList against a real registry (CNCF distribution on loopback), seen through the
// fault proxy's log: the exact digest, children copied from the source, the expectation
// refused with nothing pushed, another writer moving the tag, and a push that changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConflictError,
  computeDigest,
  HttpRegistryClient,
  ManifestListMerger,
  type ManifestListMergerOptions,
  MissingChildrenError,
  parseManifestList,
} from '../../../src/index.js';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy.js';
import { type Descriptor, getManifest, pushList } from '../../support/images.js';
import { startAnonymousRegistry, type TestRegistry, uniqueRepo } from '../../support/registry.js';

let reg: TestRegistry;
let other: TestRegistry;
let proxy: FaultProxy;
let cas: FaultProxy; // honours If-Match / If-None-Match, as the distribution-spec proposal has it
beforeAll(async () => {
  [reg, other] = await Promise.all([startAnonymousRegistry(), startAnonymousRegistry()]);
  proxy = await startFaultProxy(reg);
  cas = await startFaultProxy(reg, { honourPreconditions: true });
});
afterAll(async () => {
  await Promise.all([proxy?.stop(), cas?.stop()]);
  await Promise.all([reg?.stop(), other?.stop()]);
});

const client = () => new HttpRegistryClient();
const writes = (p: FaultProxy) =>
  p.log
    .filter((e) => e.method !== 'GET' && e.method !== 'HEAD')
    .map((e) => `${e.method} ${e.path}`);

/** A list's bytes as another tool writes them: 3-space indent, keys in its own order. */
function bytesOf(entries: Descriptor[], mediaType: string): Buffer {
  return Buffer.from(
    `${JSON.stringify({ manifests: entries, mediaType, schemaVersion: 2 }, null, 3)}\n`,
  );
}

function merger(
  via: FaultProxy,
  repo: string,
  tag: string,
  extra: Partial<ManifestListMergerOptions> = {},
) {
  const c = client();
  return new ManifestListMerger({
    srcImage: `${via.host}/${repo}:${tag}`,
    destImage: `${via.host}/${repo}:${tag}`,
    srcClient: c,
    destClient: c,
    ...extra,
  });
}

async function archsAt(repo: string, tag: string) {
  const got = await getManifest(reg, repo, tag);
  return parseManifestList(got.bytes).manifests.map((m) => m.platform?.architecture);
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('pushManifestList on a real registry', () => {
  it('pushes the exact bytes: the tag and the registry both name their sha256', async () => {
    const repo = uniqueRepo('push');
    const old = await pushList(reg, repo, 'release', { platforms: ['linux/s390x'] });
    const build = await pushList(reg, repo, undefined, { platforms: ['linux/amd64'] });
    const bytes = bytesOf([...build.entries, ...old.entries], old.mediaType);
    proxy.clearLog();
    const result = await merger(proxy, repo, 'release').pushManifestList(bytes);
    const got = await getManifest(reg, repo, 'release');
    expect(result).toMatchObject({
      outcome: 'pushed',
      digest: computeDigest(bytes),
      destinationDigest: old.digest,
    });
    expect(got.digest).toBe(computeDigest(bytes));
    expect(got.headerDigest).toBe(computeDigest(bytes));
    expect(got.bytes.equals(bytes)).toBe(true);
    expect(writes(proxy)).toEqual([`PUT /v2/${repo}/manifests/release`]);
    // Pushing it again changes nothing, and writes nothing.
    proxy.clearLog();
    const again = await merger(proxy, repo, 'release').pushManifestList(bytes);
    expect(again).toMatchObject({ outcome: 'unchanged', digest: result.digest });
    expect(writes(proxy)).toEqual([]);
  });

  it('copies the children the destination repository lacks from --src (mount), before the list', async () => {
    const repo = uniqueRepo('push-release');
    const buildRepo = uniqueRepo('push-build');
    const build = await pushList(reg, buildRepo, 'amd64', {
      platforms: ['linux/amd64'],
      format: 'oci',
    });
    const bytes = bytesOf(build.entries, build.mediaType);
    proxy.clearLog();
    const result = await merger(proxy, repo, 'release', {
      srcImage: `${proxy.host}/${buildRepo}:amd64`,
    }).pushManifestList(bytes);
    const child = build.images[0]?.digest as string;
    expect(result).toMatchObject({
      outcome: 'pushed',
      childrenToCopy: [child],
      destinationDigest: null,
    });
    expect(result.copy).toMatchObject({ manifests: [child], mountedBlobs: 2 });
    expect(writes(proxy).at(-2)).toBe(`PUT /v2/${repo}/manifests/${child}`);
    expect(writes(proxy).at(-1)).toBe(`PUT /v2/${repo}/manifests/release`);
    expect((await getManifest(reg, repo, 'release')).bytes.equals(bytes)).toBe(true);
  });

  it('streams them from another registry', async () => {
    const repo = uniqueRepo('push-x');
    const build = await pushList(other, repo, 'amd64', { platforms: ['linux/amd64'] });
    const result = await merger(proxy, repo, 'release', {
      srcImage: `${other.host}/${repo}:amd64`,
    }).pushManifestList(bytesOf(build.entries, build.mediaType));
    expect(result.copy).toMatchObject({ uploadedBlobs: 2, mountedBlobs: 0 });
    expect(await archsAt(repo, 'release')).toEqual(['amd64']);
  });

  it('without a source to copy from, missing children are a MissingChildrenError; nothing is written', async () => {
    const repo = uniqueRepo('push-nosrc');
    const build = await pushList(reg, uniqueRepo('push-elsewhere'), 'amd64', {
      platforms: ['linux/amd64'],
    });
    proxy.clearLog();
    const error = await merger(proxy, repo, 'release')
      .pushManifestList(bytesOf(build.entries, build.mediaType))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingChildrenError);
    expect(error).toMatchObject({ reason: 'no-source', digests: [build.images[0]?.digest] });
    expect(writes(proxy)).toEqual([]);
  });

  it.each([
    ['another digest', 'moved'],
    ['none, for a tag that exists', 'none'],
  ])(
    'expectDestinationDigest: %s is a ConflictError before anything is written',
    async (_, kind) => {
      const repo = uniqueRepo('push-expect');
      const first = await pushList(reg, repo, 'release', { platforms: ['linux/s390x'] });
      // The list was computed from `first`; then another writer moved the tag.
      const moved = await pushList(reg, repo, 'release', {
        images: first.images,
        platforms: ['linux/ppc64le'],
      });
      const build = await pushList(reg, repo, undefined, { platforms: ['linux/amd64'] });
      const bytes = bytesOf([...build.entries, ...first.entries], first.mediaType);
      proxy.clearLog();
      const error = await merger(proxy, repo, 'release')
        .pushManifestList(bytes, { expectDestinationDigest: kind === 'none' ? null : first.digest })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error).toMatchObject({
        reason: 'unexpected-digest',
        operation: 'push',
        actualDigest: moved.digest,
        expectedDigest: kind === 'none' ? null : first.digest,
      });
      expect(writes(proxy)).toEqual([]);
      expect((await getManifest(reg, repo, 'release')).digest).toBe(moved.digest);
    },
  );

  it('with the expected digest it pushes, under If-Match: "<expected>"', async () => {
    const repo = uniqueRepo('push-cas');
    const first = await pushList(reg, repo, 'release', { platforms: ['linux/s390x'] });
    const build = await pushList(reg, repo, undefined, { platforms: ['linux/amd64'] });
    const bytes = bytesOf([...build.entries, ...first.entries], first.mediaType);
    const result = await merger(cas, repo, 'release').pushManifestList(bytes, {
      expectDestinationDigest: first.digest,
    });
    expect(result.outcome).toBe('pushed');
    expect(cas.preconditionFailures).toBe(0);
    expect((await getManifest(reg, repo, 'release')).digest).toBe(computeDigest(bytes));
  });

  it('another writer lands while the PUT is held (If-Match honoured): ConflictError, its list kept', async () => {
    const repo = uniqueRepo('push-412');
    const first = await pushList(reg, repo, 'release', { platforms: ['linux/s390x'] });
    const build = await pushList(reg, repo, undefined, { platforms: ['linux/amd64'] });
    const bytes = bytesOf([...build.entries, ...first.entries], first.mediaType);
    cas.addFault({
      method: 'PUT',
      path: new RegExp(`/${repo}/manifests/release$`),
      action: 'delay',
      ms: 300,
    });
    const failures = cas.preconditionFailures;
    const pending = merger(cas, repo, 'release', { soleWriter: true })
      .pushManifestList(bytes, { expectDestinationDigest: first.digest })
      .catch((e: unknown) => e);
    await until(() => cas.log.some((e) => e.method === 'PUT' && e.fault === 'delay'));
    const theirs = await pushList(reg, repo, 'release', {
      images: first.images,
      platforms: ['linux/ppc64le'],
    });
    const error = await pending;
    expect(error).toMatchObject({ name: 'ConflictError', reason: 'moving', operation: 'push' });
    expect(cas.preconditionFailures).toBe(failures + 1);
    expect((await getManifest(reg, repo, 'release')).digest).toBe(theirs.digest);
  });

  it('another writer lands while the PUT is held (preconditions ignored): ConflictError naming its platform', async () => {
    const repo = uniqueRepo('push-held');
    const first = await pushList(reg, repo, 'release', { platforms: ['linux/s390x'] });
    const build = await pushList(reg, repo, undefined, { platforms: ['linux/amd64'] });
    const bytes = bytesOf([...build.entries, ...first.entries], first.mediaType);
    const held = proxy.addFault({
      method: 'PUT',
      path: new RegExp(`/${repo}/manifests/release$`),
      action: 'delay',
      ms: 1000,
    });
    const pending = merger(proxy, repo, 'release')
      .pushManifestList(bytes)
      .catch((e: unknown) => e);
    await until(() => held.hits === 1);
    // The other writer's list (s390x + ppc64le) lands; our held PUT then lands over it.
    await pushList(reg, repo, 'release', { images: first.images, platforms: ['linux/ppc64le'] });
    const error = await pending;
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({
      reason: 'overwritten',
      operation: 'push',
      platforms: ['linux/ppc64le'],
    });
    // Nothing was put back: the tag holds the signed bytes, and the error says what was lost.
    expect((await getManifest(reg, repo, 'release')).digest).toBe(computeDigest(bytes));
  });
});
