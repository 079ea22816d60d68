// Referrers against a real CNCF distribution 2.8.2, which has no referrers API (the
// sha256-<hex> tag schema applies), and through the fault proxy emulating the API: signed
// images copied into a release repository with their SBOMs and cosign signatures, the stale
// signatures of a replaced list, the depth limit, and a referrer missing a blob.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HttpRegistryClient,
  ManifestListMerger,
  type ManifestListMergerOptions,
  ReferrerCopyError,
} from '../../../src/index.js';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy.js';
import {
  COSIGN_SIMPLESIGNING,
  type Descriptor,
  deleteBlob,
  digestTag,
  getManifest,
  listTags,
  manifestExists,
  type PushedImage,
  pushCosignSignature,
  pushImage,
  pushList,
  pushReferrer,
} from '../../support/images.js';
import {
  startAnonymousRegistry,
  startTokenRegistry,
  type TestRegistry,
  type TokenTestRegistry,
  uniqueRepo,
} from '../../support/registry.js';

let reg: TestRegistry;
let proxy: FaultProxy; // logs, no emulation
let api: FaultProxy; // emulates the referrers API
beforeAll(async () => {
  reg = await startAnonymousRegistry();
  [proxy, api] = await Promise.all([
    startFaultProxy(reg),
    startFaultProxy(reg, { referrers: true }),
  ]);
});
afterAll(async () => {
  await Promise.all([proxy?.stop(), api?.stop()]);
  await reg?.stop();
});

const SBOM = 'application/spdx+json';

/** Two OCI images in `build`, each with one SBOM (subject) and one cosign `.sig`; a release list. */
async function signedBuild(target: { url: string }, opts: { tagSchema?: boolean } = {}) {
  const build = uniqueRepo('build');
  const release = uniqueRepo('release');
  const images: PushedImage[] = [];
  for (const platform of ['linux/amd64', 'linux/arm64']) {
    images.push(await pushImage(target, build, { platform, format: 'oci' }));
  }
  const sboms = [];
  const sigs = [];
  for (const img of images) {
    sboms.push(await pushReferrer(target, build, img.descriptor, opts));
    sigs.push(await pushCosignSignature(target, build, img.descriptor));
  }
  const src = await pushList(target, build, 'v1', { images, format: 'oci' });
  await pushList(target, release, 'v1', { platforms: ['linux/s390x'], format: 'oci' });
  return { build, release, images, sboms, sigs, src };
}

function merger(
  host: string,
  build: string,
  release: string,
  extra: Partial<ManifestListMergerOptions> = {},
) {
  const client = new HttpRegistryClient();
  return new ManifestListMerger({
    srcImage: `${host}/${build}:v1`,
    destImage: `${host}/${release}:v1`,
    srcClient: client,
    destClient: client,
    ...extra,
  });
}

/** The descriptors the `sha256-<hex>` index of `digest` lists in `repo`. */
async function fallbackIndex(repo: string, digest: string): Promise<Descriptor[]> {
  const got = await getManifest(reg, repo, digestTag(digest));
  return (JSON.parse(got.bytes.toString('utf8')) as { manifests: Descriptor[] }).manifests;
}

describe('on distribution 2.8.2 (no referrers API: the tag schema)', () => {
  it('a cross-repository merge brings each SBOM and signature, and each fallback index lists the right descriptors', async () => {
    const { build, release, images, sboms, sigs } = await signedBuild(reg);
    const result = await merger(reg.host, build, release).mergeManifestLists();
    expect(result.outcome).toBe('pushed');
    for (const [i, img] of images.entries()) {
      const sbom = sboms[i]!;
      const sig = sigs[i]!;
      expect(await manifestExists(reg, release, sbom.digest)).toBe(true);
      expect(await manifestExists(reg, release, sig.digest)).toBe(true);
      expect(await fallbackIndex(release, img.digest)).toEqual([sbom.descriptor]);
      expect((await getManifest(reg, release, sig.tag)).digest).toBe(sig.digest);
      // The bytes are the source's: copying changes no digest.
      expect((await getManifest(reg, release, sbom.digest)).bytes.equals(sbom.bytes)).toBe(true);
    }
    expect(result.referrers?.manifests).toHaveLength(4);
    expect(result.referrers?.tags).toHaveLength(4);
    expect(result.referrers?.manifests.filter((r) => r.source === 'cosign-tag')).toEqual(
      sigs.map((s, i) =>
        expect.objectContaining({ digest: s.digest, subject: images[i]?.digest, tag: s.tag }),
      ),
    );
  });

  it('brings a blob that several referrers share once: one check, at most one mount (no racing link writes)', async () => {
    const { build, release, sboms } = await signedBuild(reg);
    // Both SBOMs name the same empty config `{}`: distribution fails requests that read its
    // link file while a second mount rewrites it (HEAD 500, manifest PUT 400 DIGEST_INVALID).
    const configOf = (s: { json: unknown }) => (s.json as { config: { digest: string } }).config;
    const shared = configOf(sboms[0]!).digest;
    expect(configOf(sboms[1]!).digest).toBe(shared);
    proxy.clearLog();
    const result = await merger(proxy.host, build, release).mergeManifestLists();
    expect(result.outcome).toBe('pushed');
    const onShared = proxy.log.filter(
      (e) => e.path.startsWith(`/v2/${release}/blobs/`) && `${e.path}?${e.query}`.includes(shared),
    );
    // One transfer: a HEAD, and a mount only when the HEAD found it absent.
    expect(onShared.filter((e) => e.method === 'HEAD')).toHaveLength(1);
    expect(onShared.filter((e) => e.method !== 'HEAD').length).toBeLessThanOrEqual(1);
    for (const s of sboms) expect(await manifestExists(reg, release, s.digest)).toBe(true);
  });

  it('a copied manifest’s PUT refused as racing a blob write (400 DIGEST_INVALID) is tried again, at most 3 times', async () => {
    const raced = JSON.stringify({
      errors: [
        { code: 'DIGEST_INVALID', message: 'provided digest did not match uploaded content' },
      ],
    });
    const byDigest = (e: { method: string; path: string }) =>
      e.method === 'PUT' && /\/manifests\/sha256:/.test(e.path);
    const once = await signedBuild(reg);
    const fault = {
      action: 'respond',
      method: 'PUT',
      path: /\/manifests\/sha256:/,
      status: 400,
    } as const;
    proxy.addFault({ ...fault, body: raced });
    proxy.clearLog();
    expect((await merger(proxy.host, once.build, once.release).mergeManifestLists()).outcome).toBe(
      'pushed',
    );
    expect(proxy.log.filter(byDigest)).toHaveLength(2 + 4 + 1); // children, referrers, one again

    const always = await signedBuild(reg);
    const always400 = proxy.addFault({ ...fault, body: raced, times: Infinity });
    try {
      proxy.clearLog();
      const failing = merger(proxy.host, always.build, always.release, { copyConcurrency: 1 });
      await expect(failing.mergeManifestLists()).rejects.toMatchObject({
        name: 'RegistryError',
        status: 400,
        registryCodes: ['DIGEST_INVALID'],
      });
      expect(proxy.log.filter(byDigest)).toHaveLength(4);
      expect(proxy.log.some((e) => e.method === 'PUT' && e.path.endsWith('/manifests/v1'))).toBe(
        false,
      );
    } finally {
      always400.remove();
    }
  });

  it('looks for no referrer when nothing is copied, and --no-referrers copies none', async () => {
    const { build, release, sboms, sigs } = await signedBuild(reg);
    const off = await merger(proxy.host, build, release, { referrers: false });
    proxy.clearLog();
    const result = await off.mergeManifestLists();
    expect(result.copy?.manifests).toHaveLength(2);
    expect(result.referrers).toBeUndefined();
    expect(proxy.log.filter((e) => /\/referrers\/|\/manifests\/sha256-/.test(e.path))).toEqual([]);
    for (const d of [...sboms, ...sigs])
      expect(await manifestExists(reg, release, d.digest)).toBe(false);

    // A merge that copies nothing (the children are there now) looks for no referrer of them.
    await pushList(reg, release, 'v1', { platforms: ['linux/ppc64le'], format: 'oci' });
    proxy.clearLog();
    const again = await merger(proxy.host, build, release).mergeManifestLists();
    expect(again.childrenToCopy).toEqual([]);
    const lookedAt = proxy.log.map((e) => e.path).join('\n');
    for (const s of sigs) expect(lookedAt).not.toContain(s.tag.replace(/\.sig$/, ''));
  });

  it('follows a signature on an SBOM to the depth, and reports the next level', async () => {
    const build = uniqueRepo('build');
    const release = uniqueRepo('release');
    const img = await pushImage(reg, build, { platform: 'linux/amd64', format: 'oci' });
    const sbom = await pushReferrer(reg, build, img.descriptor);
    const sigOnSbom = await pushCosignSignature(reg, build, sbom.descriptor);
    await pushList(reg, build, 'v1', { images: [img], format: 'oci' });
    await pushList(reg, release, 'v1', { platforms: ['linux/s390x'], format: 'oci' });
    const shallow = await merger(reg.host, build, release, {
      referrers: { depth: 1 },
    }).mergeManifestLists();
    expect(shallow.referrers?.manifests.map((r) => r.digest)).toEqual([sbom.digest]);
    expect(shallow.referrers?.beyondDepth.map((r) => [r.digest, r.depth])).toEqual([
      [sigOnSbom.digest, 2],
    ]);
    expect(await manifestExists(reg, release, sigOnSbom.digest)).toBe(false);
    expect(await listTags(reg, release)).not.toContain(sigOnSbom.tag);
  });

  it('a referrer whose blob is missing in the source: ReferrerCopyError naming it, the list not pushed', async () => {
    const build = uniqueRepo('build');
    const release = uniqueRepo('release');
    const img = await pushImage(reg, build, { platform: 'linux/amd64', format: 'oci' });
    const sbom = await pushReferrer(reg, build, img.descriptor);
    expect(await deleteBlob(reg, build, sbom.layer.digest)).toBe(202);
    await pushList(reg, build, 'v1', { images: [img], format: 'oci' });
    const before = await pushList(reg, release, 'v1', {
      platforms: ['linux/s390x'],
      format: 'oci',
    });
    const error = await merger(reg.host, build, release)
      .mergeManifestLists()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReferrerCopyError);
    expect(error).toMatchObject({
      referrer: sbom.digest,
      subject: img.digest,
      missingKind: 'blob',
      missing: sbom.layer.digest,
    });
    expect((await getManifest(reg, release, 'v1')).digest).toBe(before.digest);
    expect(await listTags(reg, release)).toEqual(['v1']);
  });
});

describe('stale signatures (real registry)', () => {
  it('a changed merge reports the old list’s signatures; an unchanged one does not', async () => {
    const build = uniqueRepo('build');
    const release = uniqueRepo('release');
    await pushList(reg, build, 'v1', { platforms: ['linux/amd64'], format: 'oci' });
    const old = await pushList(reg, release, 'v1', { platforms: ['linux/s390x'], format: 'oci' });
    const sig = await pushCosignSignature(reg, release, old.descriptor);
    const att = await pushReferrer(reg, release, old.descriptor, {
      artifactType: 'application/vnd.in-toto+json',
    });
    const plan = await merger(reg.host, build, release).mergeManifestLists({ dryRun: true });
    expect(plan.staleSignatures?.referrers.map((r) => r.digest).sort()).toEqual(
      [sig.digest, att.digest].sort(),
    );
    const result = await merger(reg.host, build, release).mergeManifestLists();
    expect(result.staleSignatures).toEqual({ ...plan.staleSignatures, newDigest: result.digest });
    expect(result.staleSignatures?.newListReferrers).toBe(0);
    // Never copied onto the new list.
    const tags = await listTags(reg, release);
    expect(tags.filter((t) => t.startsWith(digestTag(result.digest)))).toEqual([]);
    const unchanged = await merger(reg.host, build, release).mergeManifestLists();
    expect(unchanged.outcome).toBe('unchanged');
    expect(unchanged.staleSignatures).toBeUndefined();
  });
});

describe('the referrers API, emulated by the proxy', () => {
  it('finds referrers by the API (no tag schema in the source) and writes no sha256-<hex> tag', async () => {
    const { build, release, images, sboms } = await signedBuild(api, { tagSchema: false });
    api.clearLog();
    const result = await merger(api.host, build, release).mergeManifestLists();
    const listed = result.referrers?.manifests.filter((r) => r.source === 'referrers-api') ?? [];
    expect(listed.map((r) => r.digest).sort()).toEqual(sboms.map((s) => s.digest).sort());
    expect(listed.every((r) => r.artifactType === SBOM)).toBe(true);
    for (const [i, img] of images.entries()) {
      expect(await manifestExists(reg, release, sboms[i]!.digest)).toBe(true);
      // The destination answers the API too: the copied SBOM is found there, by no tag.
      const answer = await fetch(`${api.url}/v2/${release}/referrers/${img.digest}`);
      const body = (await answer.json()) as { manifests: Descriptor[] };
      expect(body.manifests.map((d) => d.digest)).toEqual([sboms[i]!.digest]);
    }
    expect((await listTags(reg, release)).filter((t) => !t.endsWith('.sig'))).toEqual(['v1']);
    expect(api.log.filter((e) => e.path.includes('/referrers/')).length).toBeGreaterThan(0);
  });

  it('asks the API for one artifact type, and copies only that', async () => {
    const { build, release, sboms, sigs } = await signedBuild(api, { tagSchema: false });
    api.clearLog();
    const result = await merger(api.host, build, release, {
      referrers: { artifactTypes: [SBOM] },
    }).mergeManifestLists();
    // The two images, then their SBOMs (level 2): always with the filter.
    const asked = api.log.filter((e) => e.path.includes(`/${build}/referrers/`));
    expect(asked.length).toBe(4);
    expect(asked.every((e) => e.query === `artifactType=${encodeURIComponent(SBOM)}`)).toBe(true);
    expect(result.referrers?.manifests.map((r) => r.digest).sort()).toEqual(
      sboms.map((s) => s.digest).sort(),
    );
    for (const s of sigs) expect(await manifestExists(reg, release, s.digest)).toBe(false);
  });

  it('a cosign signature alone is matched by its layer type', async () => {
    const { build, release, sboms, sigs } = await signedBuild(api, { tagSchema: false });
    const result = await merger(api.host, build, release, {
      referrers: { artifactTypes: [COSIGN_SIMPLESIGNING] },
    }).mergeManifestLists();
    expect(result.referrers?.manifests.map((r) => r.digest).sort()).toEqual(
      sigs.map((s) => s.digest).sort(),
    );
    for (const s of sboms) expect(await manifestExists(reg, release, s.digest)).toBe(false);
  });
});

describe("a list's own referrers (real registry)", () => {
  it('are copied with the source bytes into another repository; the new list then counts as signed', async () => {
    const build = uniqueRepo('build');
    const release = uniqueRepo('release');
    const src = await pushList(reg, build, 'v1', {
      platforms: ['linux/amd64', 'linux/arm64'],
      format: 'oci',
    });
    const sig = await pushCosignSignature(reg, build, src.descriptor);
    // The release's amd64 is another image: the merge's result is the source list itself.
    const old = await pushList(reg, release, 'v1', { platforms: ['linux/amd64'], format: 'oci' });
    await pushCosignSignature(reg, release, old.descriptor);
    const result = await merger(reg.host, build, release).mergeManifestLists();
    expect(result.digest).toBe(src.digest);
    expect((await getManifest(reg, release, sig.tag)).digest).toBe(sig.digest);
    expect(result.staleSignatures).toMatchObject({ digest: old.digest, newListReferrers: 1 });
  });
});

describe('under token auth, counted', () => {
  let token: TokenTestRegistry;
  let counted: FaultProxy;
  beforeAll(async () => {
    token = await startTokenRegistry();
    counted = await startFaultProxy(token);
  });
  afterAll(async () => {
    await counted?.stop();
    await token?.stop();
  });

  it('a warm client: GET, GET, PUT alongside the old list’s four tag reads; no token request', async () => {
    const repo = uniqueRepo('warm');
    await pushList(token, repo, 'release', { platforms: ['linux/s390x'] });
    for (const arch of ['amd64', 'arm64'])
      await pushList(token, repo, `build-${arch}`, { platforms: [`linux/${arch}`] });
    const client = new HttpRegistryClient({ username: token.username, password: token.password });
    const merge = (arch: string) =>
      new ManifestListMerger({
        srcImage: `${counted.host}/${repo}:build-${arch}`,
        destImage: `${counted.host}/${repo}:release`,
        srcClient: client,
        destClient: client,
        soleWriter: true,
      }).mergeManifestLists();
    await merge('amd64'); // warms the client: tokens, and the registry's missing referrers API
    expect(counted.log.filter((e) => e.path.includes('/referrers/'))).toHaveLength(1);
    const before = (await getManifest(token, repo, 'release')).digest;
    counted.clearLog();
    token.issuer.resetCounts();
    await merge('arm64');
    const stem = digestTag(before);
    const sent = counted.log.map(
      (e) => `${e.method} ${e.path.replace(`/v2/${repo}/manifests/`, '')}`,
    );
    // The two reads, then the PUT and, alongside it (in any order), the old list's four tag reads.
    expect(sent.slice(0, 2).sort()).toEqual(['GET build-arm64', 'GET release']);
    expect(sent.slice(2).sort()).toEqual(
      [
        'PUT release',
        ...[stem, `${stem}.sig`, `${stem}.att`, `${stem}.sbom`].map((t) => `GET ${t}`),
      ].sort(),
    );
    expect(token.issuer.counts.total).toBe(0);
  });
});
