// Referrers follow the children a merge copies into another repository, over the in-memory
// client: what is copied (by digest, blobs too), the tags written, the depth, the filter,
// the list's own referrers, what a dry run and a select without push report, and failures.
import { describe, expect, it } from 'vitest';
import {
  InvalidOptionError,
  ManifestListMerger,
  type ManifestListMergerOptions,
  ReferrerCopyError,
} from '../../../../src/index.js';
import { OCI_IMAGE_INDEX } from '../../../../src/manifest/media-types.js';
import type { Descriptor, ManifestDescriptor } from '../../../../src/manifest/types.js';
import { InMemoryRegistryClient } from '../../../../src/registry/in-memory-client.js';
import {
  readTag,
  repoOf,
  SBOM,
  SIMPLESIGNING,
  storeImage,
  storeReferrer,
  storeSignature,
  tagOf,
} from './fixtures.js';

const BUILD = 'registry.test/acme/build:1';
const RELEASE = 'registry.test/acme/release:1';
const RELEASE_REPO = repoOf(RELEASE);

function index(manifests: ManifestDescriptor[]) {
  return { schemaVersion: 2, mediaType: OCI_IMAGE_INDEX, manifests };
}

/**
 * A build repository with two images, each with one SBOM (a `subject`, in the sha256-<hex>
 * index) and one cosign signature; a release tag holding another platform.
 */
async function signedBuild(options: { referrersApi?: boolean } = {}) {
  const registry = new InMemoryRegistryClient(options);
  const images = ['amd64', 'arm64'].map((arch) => storeImage(registry, BUILD, arch));
  const sboms: (Descriptor & { layer: string })[] = [];
  const sigs: (Descriptor & { tag: string })[] = [];
  for (const img of images) {
    sboms.push(await storeReferrer(registry, BUILD, img, { tagSchema: !options.referrersApi }));
    sigs.push(storeSignature(registry, BUILD, img));
  }
  registry.setManifest(BUILD, index(images));
  registry.setManifest(RELEASE, index([storeImage(registry, RELEASE, 's390x')]));
  return { registry, images, sboms, sigs };
}

function merger(registry: InMemoryRegistryClient, extra: Partial<ManifestListMergerOptions> = {}) {
  return new ManifestListMerger({
    srcImage: BUILD,
    destImage: RELEASE,
    srcClient: registry,
    destClient: registry,
    soleWriter: true,
    ...extra,
  });
}

/** The referrer requests a merge made: the referrers API and the tags it looked at. */
function referrerCalls(registry: InMemoryRegistryClient): string[] {
  return registry.calls
    .filter((c) => c.method === 'referrers' || c.image.includes(':sha256-'))
    .map((c) => (c.method === 'referrers' ? `referrers ${c.digest}` : `${c.method} ${c.image}`));
}

describe('referrers follow copied children', () => {
  it('copies each SBOM and signature by digest with its blobs, and writes the tags', async () => {
    const { registry, images, sboms, sigs } = await signedBuild();
    const result = await merger(registry).mergeManifestLists();
    expect(result.outcome).toBe('pushed');
    for (const d of [...sboms, ...sigs]) {
      expect(registry.holdsManifest(RELEASE, d.digest)).toBe(true);
      const doc = (await readTag(registry, `${RELEASE_REPO}@${d.digest}`)) as {
        config: Descriptor;
        layers: Descriptor[];
      };
      for (const blob of [doc.config, ...doc.layers]) {
        expect(registry.holdsBlob(RELEASE, blob.digest)).toBe(true);
      }
    }
    // Each image's sha256-<hex> index lists its SBOM's descriptor, as the source listed it.
    for (const [i, img] of images.entries()) {
      const { layer: _layer, ...listed } = sboms[i] as (typeof sboms)[number];
      expect(await readTag(registry, `${RELEASE_REPO}:${tagOf(img.digest)}`)).toEqual({
        schemaVersion: 2,
        mediaType: OCI_IMAGE_INDEX,
        manifests: [listed],
      });
      expect(registry.resolveTag(`${RELEASE_REPO}:${sigs[i]?.tag}`)).toBe(sigs[i]?.digest);
    }
    expect(result.referrers?.manifests.map((r) => [r.digest, r.subject, r.source])).toEqual(
      expect.arrayContaining([
        [sboms[0]?.digest, images[0]?.digest, 'referrers-tag'],
        [sigs[0]?.digest, images[0]?.digest, 'cosign-tag'],
        [sboms[1]?.digest, images[1]?.digest, 'referrers-tag'],
        [sigs[1]?.digest, images[1]?.digest, 'cosign-tag'],
      ]),
    );
    expect(result.referrers?.manifests).toHaveLength(4);
    expect(result.referrers?.manifests.find((r) => r.tag)?.artifactType).toBe(SIMPLESIGNING);
    expect([...(result.referrers?.tags ?? [])].sort()).toEqual(
      [...images.map((i) => tagOf(i.digest)), ...sigs.map((s) => s.tag)].sort(),
    );
    expect(result.referrers?.beyondDepth).toEqual([]);
  });

  it('uses the referrers API where there is one, and writes no sha256-<hex> tag then', async () => {
    const { registry, images, sboms } = await signedBuild({ referrersApi: true });
    const result = await merger(registry).mergeManifestLists();
    expect(result.referrers?.manifests.filter((r) => r.source === 'referrers-api')).toHaveLength(2);
    for (const d of sboms) expect(registry.holdsManifest(RELEASE, d.digest)).toBe(true);
    for (const img of images) {
      expect(registry.resolveTag(`${RELEASE_REPO}:${tagOf(img.digest)}`)).toBeUndefined();
      expect(registry.resolveTag(`${BUILD.split(':')[0]}:${tagOf(img.digest)}`)).toBeUndefined();
      // The destination's own API now names the copied SBOM.
      const answer = await registry.listReferrers(RELEASE, img.digest);
      expect(answer?.manifests.map((d) => d.digest)).toHaveLength(1);
    }
    expect(result.referrers?.tags.every((t) => t.endsWith('.sig'))).toBe(true);
  });

  it('keeps every entry a destination sha256-<hex> index already has', async () => {
    const { registry, images, sboms } = await signedBuild();
    // The release repository already holds an attestation of the first image.
    const other = await storeReferrer(registry, RELEASE, images[0] as Descriptor, {
      artifactType: 'application/vnd.in-toto+json',
    });
    await merger(registry).mergeManifestLists();
    const after = (await readTag(
      registry,
      `${RELEASE_REPO}:${tagOf(images[0]?.digest ?? '')}`,
    )) as {
      manifests: Descriptor[];
    };
    expect(after.manifests.map((d) => d.digest)).toEqual([other.digest, sboms[0]?.digest]);
  });

  it('follows referrers of referrers to the depth, and reports the next level', async () => {
    const registry = new InMemoryRegistryClient();
    const img = storeImage(registry, BUILD, 'amd64');
    const sbom = await storeReferrer(registry, BUILD, img); // level 1
    const sig = storeSignature(registry, BUILD, sbom); // level 2: a signature on the SBOM
    const sigOfSig = await storeReferrer(registry, BUILD, sig, { artifactType: 'x/notary' }); // 3
    registry.setManifest(BUILD, index([img]));
    registry.setManifest(RELEASE, index([storeImage(registry, RELEASE, 's390x')]));
    const warnings: string[] = [];
    const result = await merger(registry, {
      referrers: { depth: 2 },
      logger: { warn: (m) => warnings.push(m) },
    }).mergeManifestLists();
    expect(result.referrers?.manifests.map((r) => [r.digest, r.depth])).toEqual([
      [sbom.digest, 1],
      [sig.digest, 2],
    ]);
    expect(result.referrers?.beyondDepth.map((r) => [r.digest, r.depth])).toEqual([
      [sigOfSig.digest, 3],
    ]);
    expect(registry.holdsManifest(RELEASE, sigOfSig.digest)).toBe(false);
    expect(warnings.join('\n')).toContain(
      `deeper than 2 level(s) and were not copied: ${sigOfSig.digest}`,
    );

    const OTHER = 'registry.test/acme/other:1';
    registry.setManifest(OTHER, index([storeImage(registry, OTHER, 's390x')]));
    const all = await merger(registry, { destImage: OTHER }).mergeManifestLists(); // depth 3
    expect(registry.holdsManifest(OTHER, sigOfSig.digest)).toBe(true);
    expect(all.referrers?.manifests.map((r) => r.depth)).toEqual([1, 2, 3]);
    expect(all.referrers?.beyondDepth).toEqual([]);
  });

  it.each([
    ['the SBOM type', [SBOM], ['sbom']],
    ["cosign's signature layer type", [SIMPLESIGNING], ['sig']],
    ['both', [SBOM, SIMPLESIGNING], ['sbom', 'sig']],
  ])('copies only the artifact types asked for: %s', async (_name, artifactTypes, kinds) => {
    const { registry, sboms, sigs } = await signedBuild();
    const result = await merger(registry, { referrers: { artifactTypes } }).mergeManifestLists();
    const want = [...(kinds.includes('sbom') ? sboms : []), ...(kinds.includes('sig') ? sigs : [])];
    expect(result.referrers?.manifests.map((r) => r.digest).sort()).toEqual(
      want.map((d) => d.digest).sort(),
    );
    for (const d of [...sboms, ...sigs]) {
      expect(registry.holdsManifest(RELEASE, d.digest)).toBe(want.includes(d));
    }
  });

  it('copies unknown artifact types as opaque bytes', async () => {
    const registry = new InMemoryRegistryClient();
    const img = storeImage(registry, BUILD, 'amd64');
    const odd = await storeReferrer(registry, BUILD, img, {
      artifactType: 'application/vnd.example.never-heard-of+octet',
    });
    registry.setManifest(BUILD, index([img]));
    registry.setManifest(RELEASE, index([storeImage(registry, RELEASE, 's390x')]));
    await merger(registry).mergeManifestLists();
    expect(registry.holdsManifest(RELEASE, odd.digest)).toBe(true);
    expect(registry.holdsBlob(RELEASE, odd.layer)).toBe(true);
  });

  it('referrers: false looks for none and copies none', async () => {
    const { registry, sboms, sigs } = await signedBuild();
    const result = await merger(registry, { referrers: false }).mergeManifestLists();
    expect(result.referrers).toBeUndefined();
    expect(referrerCalls(registry)).toEqual([]);
    for (const d of [...sboms, ...sigs])
      expect(registry.holdsManifest(RELEASE, d.digest)).toBe(false);
  });

  it('looks for no referrer when nothing is copied (within one repository)', async () => {
    const registry = new InMemoryRegistryClient();
    const img = storeImage(registry, BUILD, 'amd64');
    await storeReferrer(registry, BUILD, img);
    registry.setManifest(BUILD, index([img]));
    const result = await merger(registry, {
      destImage: 'registry.test/acme/build:release',
    }).mergeSelectedArchitectures(['amd64'], { push: true });
    expect(result.outcome).toBe('pushed');
    expect(result.referrers).toBeUndefined();
    expect(referrerCalls(registry)).toEqual([]);
  });

  it('looks for no referrer of children the destination already holds', async () => {
    const { registry, images } = await signedBuild();
    await merger(registry).mergeManifestLists();
    registry.setManifest(RELEASE, index([storeImage(registry, RELEASE, 's390x')]));
    registry.calls.length = 0;
    const again = await merger(registry).mergeManifestLists();
    expect(again.childrenToCopy).toEqual([]);
    expect(again.referrers).toBeUndefined();
    // Only the old list's signatures were looked for (its digest, not the images').
    const looked = referrerCalls(registry).join('\n');
    for (const img of images) expect(looked).not.toContain(tagOf(img.digest));
  });

  it('a referrer whose blob is missing in the source: a typed error naming it, no list pushed', async () => {
    const registry = new InMemoryRegistryClient();
    const img = storeImage(registry, BUILD, 'amd64');
    const broken = await storeReferrer(registry, BUILD, img, { missingBlob: true });
    registry.setManifest(BUILD, index([img]));
    registry.setManifest(RELEASE, index([storeImage(registry, RELEASE, 's390x')]));
    const before = registry.resolveTag(RELEASE);
    const error = await merger(registry)
      .mergeManifestLists()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReferrerCopyError);
    expect(error).toMatchObject({
      code: 'REFERRER_COPY_FAILED',
      referrer: broken.digest,
      subject: img.digest,
      missingKind: 'blob',
      missing: broken.layer,
    });
    expect((error as Error).message).toContain(broken.layer);
    expect(registry.resolveTag(RELEASE)).toBe(before);
    expect(registry.calls.filter((c) => c.method === 'put' && c.image === RELEASE)).toEqual([]);
    expect(registry.resolveTag(`${RELEASE_REPO}:${tagOf(img.digest)}`)).toBeUndefined();
  });

  it('a referrer named by the index but gone from the source: the same error, manifest missing', async () => {
    const registry = new InMemoryRegistryClient();
    const img = storeImage(registry, BUILD, 'amd64');
    const ghost = {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      size: 9,
      artifactType: SBOM,
      digest: `sha256:${'e'.repeat(64)}`,
    };
    registry.setManifest(`${repoOf(BUILD)}:${tagOf(img.digest)}`, index([ghost]));
    registry.setManifest(BUILD, index([img]));
    registry.setManifest(RELEASE, index([storeImage(registry, RELEASE, 's390x')]));
    await expect(merger(registry).mergeManifestLists()).rejects.toMatchObject({
      name: 'ReferrerCopyError',
      referrer: ghost.digest,
      missingKind: 'manifest',
    });
  });

  it('keeps a cosign tag the destination holds with other content, and says so', async () => {
    const { registry, images, sigs } = await signedBuild();
    const theirs = storeSignature(registry, RELEASE, images[0] as Descriptor);
    const result = await merger(registry).mergeManifestLists();
    expect(result.referrers?.keptTags).toEqual([theirs.tag]);
    expect(registry.resolveTag(`${RELEASE_REPO}:${theirs.tag}`)).toBe(theirs.digest);
    expect(registry.holdsManifest(RELEASE, sigs[0]?.digest ?? '')).toBe(false);
    expect(registry.holdsManifest(RELEASE, sigs[1]?.digest ?? '')).toBe(true);
  });
});

describe("a list's own referrers", () => {
  it('are copied when the source bytes are pushed unchanged into another repository', async () => {
    const registry = new InMemoryRegistryClient();
    const images = ['amd64', 'arm64'].map((arch) => storeImage(registry, BUILD, arch));
    const listDigest = registry.setManifest(BUILD, index(images));
    const listDescriptor = { mediaType: OCI_IMAGE_INDEX, digest: listDigest, size: 1 };
    const sig = storeSignature(registry, BUILD, listDescriptor);
    const sbom = await storeReferrer(registry, BUILD, listDescriptor);
    // The destination lacks only the source's platforms: the result is the source.
    registry.setManifest(RELEASE, index([images[0] as ManifestDescriptor]));
    const result = await merger(registry).mergeManifestLists();
    expect(result.digest).toBe(listDigest);
    expect(registry.resolveTag(`${RELEASE_REPO}:${sig.tag}`)).toBe(sig.digest);
    expect(registry.holdsManifest(RELEASE, sbom.digest)).toBe(true);
    expect(result.referrers?.manifests.filter((r) => r.subject === listDigest)).toHaveLength(2);
  });

  it('are not copied when the pushed list has other bytes', async () => {
    const { registry } = await signedBuild();
    const src = await registry.getManifest(BUILD);
    const sig = storeSignature(registry, BUILD, { ...src, size: src.bytes.length });
    const result = await merger(registry).mergeManifestLists();
    expect(result.digest).not.toBe(src.digest);
    expect(registry.holdsManifest(RELEASE, sig.digest)).toBe(false);
  });
});

describe('what a push would copy', () => {
  it('a dry run finds the referrers and writes nothing', async () => {
    const { registry, sboms, sigs } = await signedBuild();
    const result = await merger(registry).mergeManifestLists({ dryRun: true });
    expect(result.outcome).toBe('dry-run');
    expect(result.referrers?.manifests.map((r) => r.digest).sort()).toEqual(
      [...sboms, ...sigs].map((d) => d.digest).sort(),
    );
    expect(result.referrers?.tags).toHaveLength(4);
    expect(registry.calls.filter((c) => c.method === 'put' || c.method === 'putBlob')).toEqual([]);
  });

  it('a select without push into another repository carries the children and referrers to copy', async () => {
    const { registry, images, sboms, sigs } = await signedBuild();
    const result = await merger(registry).mergeSelectedArchitectures(['amd64', 'arm64']);
    expect(result.outcome).toBe('not-pushed');
    expect(result.childrenToCopy).toEqual(images.map((i) => i.digest));
    expect(result.referrers?.manifests.map((r) => r.digest).sort()).toEqual(
      [...sboms, ...sigs].map((d) => d.digest).sort(),
    );
    expect(result.staleSignatures).toBeUndefined();
    expect(registry.calls.filter((c) => c.method === 'put' || c.method === 'putBlob')).toEqual([]);
  });

  it('a select without push within one repository stays GET, GET', async () => {
    const { registry } = await signedBuild();
    registry.calls.length = 0;
    await merger(registry, {
      destImage: 'registry.test/acme/build:release',
    }).mergeSelectedArchitectures(['amd64']);
    expect(registry.calls.map((c) => c.method)).toEqual(['get', 'get']);
  });
});

describe('the referrers option', () => {
  it.each([
    [{ depth: 0 }, 'referrers.depth'],
    [{ depth: 1.5 }, 'referrers.depth'],
    [{ artifactTypes: [''] }, 'referrers.artifactTypes'],
    [{ artifactTypes: 'application/spdx+json' }, 'referrers.artifactTypes'],
    ['yes', 'referrers'],
  ])('refuses %j', (referrers, option) => {
    expect(() => merger(new InMemoryRegistryClient(), { referrers } as never)).toThrow(
      expect.objectContaining({ constructor: InvalidOptionError, option }),
    );
  });
});
