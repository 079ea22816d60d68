// The signatures a merge leaves behind: a changed tag reports the old list's referrers and
// cosign tags (looked up alongside the PUT; a dry run looks them up before it returns),
// copies none onto the new list, and says nothing when the tag does not change.
import { describe, expect, it } from 'vitest';
import {
  ManifestListMerger,
  type ManifestListMergerOptions,
  type RegistryClient,
} from '../../../../src/index.js';
import { OCI_IMAGE_INDEX } from '../../../../src/manifest/media-types.js';
import type { Descriptor, ManifestDescriptor } from '../../../../src/manifest/types.js';
import { InMemoryRegistryClient } from '../../../../src/registry/in-memory-client.js';
import { repoOf, storeImage, storeReferrer, storeSignature, tagOf } from './fixtures.js';

const BUILD = 'registry.test/acme/app:build';
const RELEASE = 'registry.test/acme/app:release';
const REPO = repoOf(RELEASE);

function index(manifests: ManifestDescriptor[]) {
  return { schemaVersion: 2, mediaType: OCI_IMAGE_INDEX, manifests };
}

/** A signed release list (one cosign signature, one attestation) and a build of another arch. */
async function signedRelease() {
  const registry = new InMemoryRegistryClient();
  const s390x = storeImage(registry, RELEASE, 's390x');
  const d0 = registry.setManifest(RELEASE, index([s390x]));
  const old: Descriptor = { mediaType: OCI_IMAGE_INDEX, digest: d0, size: 1 };
  const sig = storeSignature(registry, RELEASE, old);
  const att = await storeReferrer(registry, RELEASE, old, {
    artifactType: 'application/vnd.in-toto+json',
  });
  registry.setManifest(BUILD, index([storeImage(registry, BUILD, 'amd64')]));
  return { registry, d0, sig, att, s390x };
}

function merger(client: RegistryClient, extra: Partial<ManifestListMergerOptions> = {}) {
  return new ManifestListMerger({
    srcImage: BUILD,
    destImage: RELEASE,
    srcClient: client,
    destClient: client,
    soleWriter: true,
    ...extra,
  });
}

const isReferrerCall = (c: { method: string; image: string }) =>
  c.method === 'referrers' || c.image.includes(':sha256-');

describe('stale signatures', () => {
  it('a changed tag lists the old list’s signatures and attestations, and copies none onto the new list', async () => {
    const { registry, d0, sig, att } = await signedRelease();
    const result = await merger(registry).mergeManifestLists();
    expect(result.outcome).toBe('pushed');
    expect(result.staleSignatures).toMatchObject({
      digest: d0,
      newDigest: result.digest,
      newListReferrers: 0,
    });
    expect(result.staleSignatures?.referrers.map((r) => [r.digest, r.source]).sort()).toEqual(
      [
        [sig.digest, 'cosign-tag'],
        [att.digest, 'referrers-tag'],
      ].sort(),
    );
    // Nothing signs the new list.
    for (const suffix of ['', '.sig', '.att', '.sbom']) {
      expect(registry.resolveTag(`${REPO}:${tagOf(result.digest)}${suffix}`)).toBeUndefined();
    }
  });

  it('a dry run reports the same before anything is pushed', async () => {
    const { registry, d0 } = await signedRelease();
    const plan = await merger(registry).mergeManifestLists({ dryRun: true });
    expect(plan.outcome).toBe('dry-run');
    expect(plan.staleSignatures?.digest).toBe(d0);
    expect(plan.staleSignatures?.referrers).toHaveLength(2);
    expect(registry.calls.filter((c) => c.method === 'put')).toEqual([]);
    const pushed = await merger(registry).mergeManifestLists();
    expect(pushed.staleSignatures).toEqual(plan.staleSignatures);
  });

  it('is absent on an unchanged merge, which looks for nothing', async () => {
    const { registry } = await signedRelease();
    await merger(registry).mergeManifestLists();
    registry.calls.length = 0;
    const again = await merger(registry).mergeManifestLists();
    expect(again.outcome).toBe('unchanged');
    expect(again.staleSignatures).toBeUndefined();
    expect(registry.calls.filter(isReferrerCall)).toEqual([]);
  });

  it.each([
    ['a forced push of the same bytes', { force: true }],
    ['a dry run of an unchanged merge', { dryRun: true }],
  ])('is absent for %s', async (_name, call) => {
    const { registry } = await signedRelease();
    await merger(registry).mergeManifestLists();
    expect((await merger(registry).mergeManifestLists(call)).staleSignatures).toBeUndefined();
  });

  it('is absent for a new tag, and with referrers: false (no lookup at all)', async () => {
    const { registry } = await signedRelease();
    const fresh = await merger(registry, {
      destImage: 'registry.test/acme/app:new',
    }).mergeSelectedArchitectures(['amd64'], { push: true });
    expect(fresh.staleSignatures).toBeUndefined();
    registry.calls.length = 0;
    const off = await merger(registry, { referrers: false }).mergeManifestLists();
    expect(off.outcome).toBe('pushed');
    expect(off.staleSignatures).toBeUndefined();
    expect(registry.calls.filter(isReferrerCall)).toEqual([]);
  });

  it('counts the new list’s own referrers when it is the source’s signed bytes', async () => {
    const registry = new InMemoryRegistryClient();
    const amd = storeImage(registry, BUILD, 'amd64');
    const s390x = storeImage(registry, BUILD, 's390x');
    const d1 = registry.setManifest(BUILD, index([amd, s390x]));
    storeSignature(registry, BUILD, { mediaType: OCI_IMAGE_INDEX, digest: d1, size: 1 });
    const d0 = registry.setManifest(RELEASE, index([s390x]));
    storeSignature(registry, RELEASE, { mediaType: OCI_IMAGE_INDEX, digest: d0, size: 1 });
    const result = await merger(registry).mergeManifestLists();
    expect(result.digest).toBe(d1); // the source's bytes: the destination lacked only amd64
    expect(result.staleSignatures).toMatchObject({
      digest: d0,
      newDigest: d1,
      newListReferrers: 1,
    });
  });

  it('a failing lookup is a warning: the push goes on, nothing is reported as stale', async () => {
    const { registry, sig, d0 } = await signedRelease();
    const failing: RegistryClient = {
      getManifest: async (image, options) => {
        if (image.endsWith(sig.tag)) throw Object.assign(new Error('boom'), { status: 500 });
        return registry.getManifest(image, options);
      },
      putManifest: (...a) => registry.putManifest(...a),
    };
    const result = await merger(failing).mergeManifestLists();
    expect(result.outcome).toBe('pushed');
    expect(registry.resolveTag(RELEASE)).toBe(result.digest);
    expect(result.staleSignatures).toBeUndefined();
    expect(result.warnings).toEqual([
      expect.stringMatching(
        new RegExp(`could not look up the signatures of the old list ${d0}.*boom`),
      ),
    ]);
  });

  it('a failing lookup fails a dry run, which reports before anything would be pushed', async () => {
    const { registry, sig } = await signedRelease();
    const failing: RegistryClient = {
      getManifest: async (image, options) => {
        if (image.endsWith(sig.tag)) throw Object.assign(new Error('boom'), { status: 500 });
        return registry.getManifest(image, options);
      },
      putManifest: (...a) => registry.putManifest(...a),
    };
    await expect(merger(failing).mergeManifestLists({ dryRun: true })).rejects.toThrow('boom');
  });

  it('does not delay the PUT: the lookup runs alongside it', async () => {
    const { registry } = await signedRelease();
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    // The signature lookups wait for the PUT (at most 300 ms): a PUT that waited for them
    // would come only after that time ran out.
    let putCame = false;
    let lookupGaveUp = false;
    const slow: RegistryClient = {
      getManifest: async (image, options) => {
        if (image.includes(':sha256-')) {
          await Promise.race([held, new Promise((r) => setTimeout(r, 300))]);
          if (!putCame) lookupGaveUp = true;
        }
        return registry.getManifest(image, options);
      },
      putManifest: async (...a) => {
        putCame = true;
        release();
        return registry.putManifest(...a);
      },
    };
    const result = await merger(slow).mergeManifestLists();
    expect(lookupGaveUp).toBe(false);
    expect(result.staleSignatures?.referrers.length).toBeGreaterThan(0);
  });

  it('with verification, looks them up once the PUT succeeded, during the settle window', async () => {
    const { registry } = await signedRelease();
    let putInFlight = false;
    let lookupsInFlight = 0;
    let lookupDuringPut = false;
    let lookups = 0;
    const watching: RegistryClient = {
      getManifest: async (image, options) => {
        if (!image.includes(':sha256-')) return registry.getManifest(image, options);
        lookups++;
        lookupsInFlight++;
        if (putInFlight) lookupDuringPut = true;
        try {
          await new Promise((r) => setTimeout(r, 10));
          return await registry.getManifest(image, options);
        } finally {
          lookupsInFlight--;
        }
      },
      putManifest: async (...a) => {
        putInFlight = true;
        if (lookupsInFlight > 0) lookupDuringPut = true;
        await new Promise((r) => setTimeout(r, 20));
        try {
          return await registry.putManifest(...a);
        } finally {
          putInFlight = false;
        }
      },
    };
    const result = await merger(watching, {
      soleWriter: false,
      settleTime: 30,
    }).mergeManifestLists();
    expect(result.verification).toBeDefined();
    expect(lookups).toBe(4);
    expect(lookupDuringPut).toBe(false);
    expect(result.staleSignatures?.referrers.length).toBeGreaterThan(0);
  });

  it('reports them for a PUT whose connection failed after it landed', async () => {
    const { registry, d0 } = await signedRelease();
    const dropping: RegistryClient = {
      getManifest: (...a) => registry.getManifest(...a),
      putManifest: async (...a) => {
        await registry.putManifest(...a);
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      },
    };
    const result = await merger(dropping, {
      soleWriter: false,
      settleTime: 5,
    }).mergeManifestLists();
    expect(result.outcome).toBe('pushed');
    expect(result.staleSignatures?.digest).toBe(d0);
  });

  it('costs one referrers API call, then (without the API) the tag schema and cosign’s three tags', async () => {
    const { registry, d0 } = await signedRelease();
    registry.calls.length = 0;
    await merger(registry).mergeManifestLists();
    expect(
      registry.calls
        .filter(isReferrerCall)
        .map((c) => `${c.method} ${c.image}`)
        .sort(),
    ).toEqual(
      [
        `referrers ${RELEASE}`,
        `get ${REPO}:${tagOf(d0)}`,
        `get ${REPO}:${tagOf(d0)}.sig`,
        `get ${REPO}:${tagOf(d0)}.att`,
        `get ${REPO}:${tagOf(d0)}.sbom`,
      ].sort(),
    );
  });
});
