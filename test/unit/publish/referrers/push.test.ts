// A push of given bytes (pushManifestList) treats referrers as a merge does: the signatures
// and SBOMs of the children it copies come along, and the replaced list's signatures are
// reported, never carried over.
import { describe, expect, it } from 'vitest';
import {
  ManifestListMerger,
  type RegistryClient,
  serializeManifestList,
} from '../../../../src/index.js';
import { OCI_IMAGE_INDEX } from '../../../../src/manifest/media-types.js';
import type { ManifestDescriptor, ManifestList } from '../../../../src/manifest/types.js';
import { InMemoryRegistryClient } from '../../../../src/registry/in-memory-client.js';
import { repoOf, storeImage, storeReferrer, storeSignature, tagOf } from './fixtures.js';

const BUILD = 'registry.test/acme/build:1';
const RELEASE = 'registry.test/acme/release:1';

function index(manifests: ManifestDescriptor[]): ManifestList {
  return { schemaVersion: 2, mediaType: OCI_IMAGE_INDEX, manifests };
}

/** A signed image with an SBOM in the build repository; a signed release list of s390x. */
async function setup() {
  const registry = new InMemoryRegistryClient();
  const amd64 = storeImage(registry, BUILD, 'amd64');
  const sbom = await storeReferrer(registry, BUILD, amd64, { tagSchema: true });
  const sig = storeSignature(registry, BUILD, amd64);
  const s390x = storeImage(registry, RELEASE, 's390x');
  const d0 = registry.setManifest(RELEASE, index([s390x]));
  const oldSig = storeSignature(registry, RELEASE, {
    mediaType: OCI_IMAGE_INDEX,
    digest: d0,
    size: 1,
  });
  const bytes = serializeManifestList(index([s390x, amd64]));
  const merger = new ManifestListMerger({
    srcImage: BUILD,
    destImage: RELEASE,
    srcClient: registry,
    destClient: registry,
  });
  return { registry, merger, bytes, amd64, sbom, sig, d0, oldSig };
}

describe('pushManifestList and referrers', () => {
  it('copies the referrers of the children it copies, and reports the replaced list’s signatures', async () => {
    const { registry, merger, bytes, sbom, sig, d0, oldSig } = await setup();
    const result = await merger.pushManifestList(bytes);
    expect(result.outcome).toBe('pushed');
    for (const d of [sbom, sig]) expect(registry.holdsManifest(RELEASE, d.digest)).toBe(true);
    expect(registry.resolveTag(`${repoOf(RELEASE)}:${sig.tag}`)).toBe(sig.digest);
    expect(result.referrers?.manifests.map((r) => r.digest).sort()).toEqual(
      [sbom.digest, sig.digest].sort(),
    );
    expect(result.staleSignatures).toMatchObject({ digest: d0, newDigest: result.digest });
    expect(result.staleSignatures?.referrers.map((r) => r.digest)).toEqual([oldSig.digest]);
    // Never carried over onto the pushed list.
    expect(registry.resolveTag(`${repoOf(RELEASE)}:${tagOf(result.digest)}.sig`)).toBeUndefined();
  });

  it('a dry run names them and writes nothing', async () => {
    const { registry, merger, bytes, sig, d0 } = await setup();
    const result = await merger.pushManifestList(bytes, { dryRun: true });
    expect(result.outcome).toBe('dry-run');
    expect(result.staleSignatures?.digest).toBe(d0);
    expect(registry.holdsManifest(RELEASE, sig.digest)).toBe(false);
    expect(registry.resolveTag(RELEASE)).toBe(d0);
  });

  it('referrers: false copies none and looks up none', async () => {
    const { registry, bytes, sig } = await setup();
    const merger = new ManifestListMerger({
      srcImage: BUILD,
      destImage: RELEASE,
      srcClient: registry,
      destClient: registry,
      referrers: false,
    });
    const result = await merger.pushManifestList(bytes);
    expect(result.outcome).toBe('pushed');
    expect(registry.holdsManifest(RELEASE, sig.digest)).toBe(false);
    expect(result.staleSignatures).toBeUndefined();
    expect(registry.calls.filter((c) => c.image.includes(':sha256-'))).toEqual([]);
  });

  it('a dry run whose lookup fails while referrers are still being found fails with it, handled', async () => {
    const { registry, bytes } = await setup();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const slowSource: RegistryClient = {
        getManifest: async (image, options) => {
          if (image.includes(':sha256-') && image.includes('/release'))
            throw Object.assign(new Error('lookup failed'), { status: 500 });
          if (image.includes(':sha256-')) await new Promise((r) => setTimeout(r, 100));
          return registry.getManifest(image, options);
        },
        putManifest: (...a) => registry.putManifest(...a),
        headManifest: (...a) => registry.headManifest(...a),
        getBlob: (...a) => registry.getBlob(...a),
        hasBlob: (...a) => registry.hasBlob(...a),
      };
      const merger = new ManifestListMerger({
        srcImage: BUILD,
        destImage: RELEASE,
        srcClient: slowSource,
        destClient: slowSource,
      });
      await expect(merger.pushManifestList(bytes, { dryRun: true })).rejects.toThrow(
        'lookup failed',
      );
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
