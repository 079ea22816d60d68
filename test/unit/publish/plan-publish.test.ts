// What a publish does with a merged list (src/publish/plan-publish.ts). planPublish and
// publishResult are pure: no client, no clock, every case builds its sides here. Then, through
// the merger over the in-memory client: a merge that changes nothing, a dry run, and the media
// type of what is pushed.
import { describe, expect, it } from 'vitest';
import {
  IncompatibleMediaTypeError,
  InMemoryRegistryClient,
  ManifestListMerger,
  parseManifestList,
} from '../../../src/index.js';
import { OCI_IMAGE_INDEX, OCI_IMAGE_MANIFEST } from '../../../src/manifest/media-types.js';
import { computeDigest, serializeManifestList } from '../../../src/manifest/serialize.js';
import type { ManifestList } from '../../../src/manifest/types.js';
import type { CopyReport } from '../../../src/publish/children.js';
import {
  chooseBytes,
  planPublish,
  publishResult,
  type Side,
} from '../../../src/publish/plan-publish.js';
import { artifact, attestation, entry, image, list } from '../../support/fixtures.js';
import { DEST, merger, SRC, writes } from '../../support/merges.js';

const encoder = new TextEncoder();
/** A call that pushes: the merge mode's. */
const PUSH = { push: true, dryRun: false, force: false };

/** A side read from a registry: `list` as `text` (pretty JSON by default), with its digest. */
function side(l: ManifestList, text = JSON.stringify(l, null, 2)): Side {
  const bytes = encoder.encode(text);
  return {
    fetched: { bytes, digest: computeDigest(bytes), mediaType: l.mediaType as string },
    list: l,
  };
}

const amd = image('amd64', 'amd-new');
const amdOld = image('amd64', 'amd-old');
const s390 = image('s390x');

describe('chooseBytes', () => {
  it("keeps the destination's own bytes when the list equals it", () => {
    const dest = side(list([amd, s390]));
    const planned = chooseBytes(list([amd, s390]), side(list([amd])), dest);
    expect(planned).toMatchObject({ unchanged: true, digest: dest.fetched.digest });
    expect(planned.bytes).toBe(dest.fetched.bytes);
  });

  it("keeps the source's own bytes (and digest) when the list equals the source", () => {
    const src = side(list([amd]));
    const planned = chooseBytes(list([amd]), src, side(list([amdOld])));
    expect(planned).toMatchObject({ unchanged: false, digest: src.fetched.digest });
  });

  it('writes canonical JSON for a new list, under its own media type', () => {
    const merged = list([amd, s390]);
    const planned = chooseBytes(merged, side(list([amd])), side(list([amdOld, s390])));
    expect(planned.bytes).toEqual(serializeManifestList(merged));
    expect(planned.digest).toBe(computeDigest(serializeManifestList(merged)));
    expect(planned.mediaType).toBe(merged.mediaType);
  });
});

describe('planPublish: the next step', () => {
  const src = side(list([amd]));
  const changed = { merged: list([amd, s390]), dest: side(list([amdOld, s390])) };
  const same = { merged: list([amd, s390]), dest: side(list([amd, s390])) };
  it.each([
    // [case, inputs, push, dryRun, force, expected step]
    ['a push of a new list', changed, true, false, false, { next: 'push' }],
    [
      'a push of an unchanged list',
      same,
      true,
      false,
      false,
      { next: 'stop', outcome: 'unchanged' },
    ],
    ['a forced push of an unchanged list', same, true, false, true, { next: 'push' }],
    ['a dry run of a new list', changed, true, true, false, { next: 'dry-run' }],
    [
      'a dry run of an unchanged list',
      same,
      true,
      true,
      false,
      { next: 'stop', outcome: 'dry-run' },
    ],
    ['a forced dry run of an unchanged list', same, true, true, true, { next: 'dry-run' }],
    [
      'select without push, new list',
      changed,
      false,
      false,
      false,
      { next: 'stop', outcome: 'not-pushed' },
    ],
    [
      'select without push, unchanged',
      same,
      false,
      false,
      false,
      { next: 'stop', outcome: 'unchanged' },
    ],
    [
      'select without push, forced, unchanged',
      same,
      false,
      false,
      true,
      { next: 'stop', outcome: 'unchanged' },
    ],
    ['select without push, dry run', changed, false, true, false, { next: 'dry-run' }],
  ] as const)('%s', (_, { merged, dest }, push, dryRun, force, step) => {
    const planned = planPublish(merged, src, dest, 'platform', { push, dryRun, force });
    expect(planned.step).toEqual(step);
  });

  it('describes the merge against the destination (what it lacked, replaced, kept)', () => {
    const { plan } = planPublish(changed.merged, src, changed.dest, 'platform', PUSH);
    expect(plan.replaced.map((e) => [e.platform, e.previousDigest])).toEqual([
      ['linux/amd64', amdOld.digest],
    ]);
    expect(plan.kept.map((e) => e.platform)).toEqual(['linux/s390x']);
    expect(plan.added).toEqual([]);
  });

  it('with no destination, everything is added and nothing is unchanged', () => {
    const { planned, plan, step } = planPublish(list([amd]), src, undefined, 'platform', PUSH);
    expect(planned.unchanged).toBe(false);
    expect(plan.added.map((e) => e.platform)).toEqual(['linux/amd64']);
    expect(step).toEqual({ next: 'push' });
  });
});

describe('publishResult', () => {
  const att = attestation(amd.digest, 'att');
  const sbom = artifact('sbom');
  const src = side(list([amd, att, sbom]));
  const merged = list([amd, att, sbom, s390]);
  const { planned, plan } = planPublish(merged, src, side(list([s390])), 'platform', PUSH);

  it('names images and artifacts by the side they came from, attestations left out', () => {
    const result = publishResult(planned, src, plan, { outcome: 'pushed', attempts: 1 });
    expect(result.fromSource).toEqual(['linux/amd64', sbom.digest]);
    expect(result.fromDestination).toEqual(['linux/s390x']);
    // Not plan.added, which names what the destination lacked, attestations included.
    expect(result.plan.added.map((e) => e.kind)).toEqual(['image', 'attestation', 'artifact']);
  });

  it('carries the outcome, the planned bytes and the report; no copy or verification unless made', () => {
    const result = publishResult(planned, src, plan, { outcome: 'dry-run', attempts: 2 });
    expect(result).toMatchObject({
      outcome: 'dry-run',
      digest: planned.digest,
      mediaType: planned.mediaType,
      unchanged: false,
      attempts: 2,
      childrenToCopy: [],
    });
    expect(result.manifestList).toBe(planned.list);
    expect(result.bytes).toBe(planned.bytes);
    expect('copy' in result).toBe(false);
    expect('verification' in result).toBe(false);
  });

  it('adds up the copy reports of every attempt', () => {
    const copies: CopyReport[] = [
      { manifests: ['a'], mountedBlobs: 1, uploadedBlobs: 2, presentBlobs: 3 },
      { manifests: ['b', 'c'], mountedBlobs: 10, uploadedBlobs: 20, presentBlobs: 30 },
    ];
    const verification = { settleMs: 10, polls: 0, otherWriters: 0, restored: [] };
    const result = publishResult(planned, src, plan, {
      outcome: 'pushed',
      attempts: 3,
      childrenToCopy: ['a', 'b', 'c'],
      copies,
      verification,
    });
    expect(result.copy).toEqual({
      manifests: ['a', 'b', 'c'],
      mountedBlobs: 11,
      uploadedBlobs: 22,
      presentBlobs: 33,
    });
    expect(result.childrenToCopy).toEqual(['a', 'b', 'c']);
    expect(result.verification).toBe(verification);
  });
});

describe('a merge that changes nothing', () => {
  it('pushes nothing and reports the existing digest', async () => {
    const amd = entry('amd64');
    const s390 = entry('s390x');
    const registry = new InMemoryRegistryClient();
    registry.setManifest(SRC, list([amd]));
    const destDigest = registry.setManifest(DEST, JSON.stringify(list([amd, s390]), null, 2));
    const result = await merger(registry).mergeManifestLists();
    expect(result.outcome).toBe('unchanged');
    expect(result.unchanged).toBe(true);
    expect(result.digest).toBe(destDigest);
    expect(writes(registry)).toEqual([]);
  });

  it('pushes anyway with force: true', async () => {
    const amd = entry('amd64');
    const registry = new InMemoryRegistryClient();
    registry.setManifest(SRC, list([amd]));
    registry.setManifest(DEST, list([amd]));
    const result = await merger(registry).mergeManifestLists({ force: true });
    expect(result.outcome).toBe('pushed');
    expect(registry.calls.filter((c) => c.method === 'put')).toHaveLength(1);
  });

  it('counts the select mode with push the same way', async () => {
    const amd = entry('amd64');
    const registry = new InMemoryRegistryClient();
    registry.setManifest(SRC, list([amd, entry('arm64')]));
    registry.setManifest(DEST, list([amd]));
    const result = await merger(registry).mergeSelectedArchitectures(['amd64'], { push: true });
    expect(result).toMatchObject({ outcome: 'unchanged', unchanged: true });
    expect(writes(registry)).toEqual([]);
  });
});

describe('dry run', () => {
  it('plans without writing: entries, children, bytes and digest', async () => {
    const registry = new InMemoryRegistryClient();
    const amdNew = entry('amd64', 'new');
    const amdOld = entry('amd64', 'old');
    const s390 = entry('s390x');
    registry.setManifest(SRC, list([amdNew]));
    registry.setManifest(DEST, list([amdOld, s390]));
    const before = registry.resolveTag(DEST);
    const plan = await merger(registry).mergeManifestLists({ dryRun: true });
    expect(plan).toMatchObject({ outcome: 'dry-run', unchanged: false });
    expect(plan.plan.replaced).toEqual([
      expect.objectContaining({
        platform: 'linux/amd64',
        digest: amdNew.digest,
        previousDigest: amdOld.digest,
      }),
    ]);
    expect(plan.plan.kept).toEqual([
      expect.objectContaining({ platform: 'linux/s390x', digest: s390.digest }),
    ]);
    expect(plan.digest).toBe(computeDigest(plan.bytes));
    expect(parseManifestList(plan.bytes).manifests).toEqual([amdNew, s390]);
    expect(writes(registry)).toEqual([]);
    expect(registry.resolveTag(DEST)).toBe(before);

    // The real merge then pushes exactly the planned bytes.
    const real = await merger(registry).mergeManifestLists();
    expect(real.digest).toBe(plan.digest);
    expect(registry.resolveTag(DEST)).toBe(plan.digest);
  });

  it('names the children a push would copy, across repositories', async () => {
    const registry = new InMemoryRegistryClient();
    const source = 'registry.test/build/app:s390x';
    const child = registry.setManifest(
      `registry.test/build/app@${computeDigest('x')}`.replace(/@.*/, ':child'),
      '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"a/b","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":0},"layers":[]}',
    );
    registry.setManifest(
      source,
      list(
        [
          {
            mediaType: OCI_IMAGE_MANIFEST,
            digest: child,
            size: 10,
            platform: { os: 'linux', architecture: 's390x' },
          },
        ],
        { mediaType: OCI_IMAGE_INDEX },
      ),
    );
    registry.setManifest(DEST, list([entry('amd64')]));
    const plan = await new ManifestListMerger({
      srcImage: source,
      destImage: DEST,
      srcClient: registry,
      destClient: registry,
    }).mergeManifestLists({ dryRun: true });
    expect(plan.childrenToCopy).toEqual([child]);
    expect(writes(registry)).toEqual([]);
  });
});

describe('media type discipline', () => {
  const ociChild = entry('arm64', 'oci-arm', OCI_IMAGE_MANIFEST);

  it('emits an OCI index rather than a Docker list naming OCI manifests', async () => {
    const registry = new InMemoryRegistryClient();
    registry.setManifest(SRC, list([entry('amd64')]));
    registry.setManifest(DEST, list([ociChild], { mediaType: OCI_IMAGE_INDEX }));
    const result = await merger(registry).mergeManifestLists();
    expect(result.mediaType).toBe(OCI_IMAGE_INDEX);
    expect(result.manifestList.mediaType).toBe(OCI_IMAGE_INDEX);
    expect((await registry.getManifest(DEST)).mediaType).toBe(OCI_IMAGE_INDEX);
  });

  it("refuses with dockerListConversion: 'error', naming the field, and pushes nothing", async () => {
    const registry = new InMemoryRegistryClient();
    registry.setManifest(SRC, list([entry('amd64')]));
    registry.setManifest(DEST, list([ociChild], { mediaType: OCI_IMAGE_INDEX }));
    const error = await merger(registry, { dockerListConversion: 'error' })
      .mergeManifestLists()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IncompatibleMediaTypeError);
    expect((error as IncompatibleMediaTypeError).fields).toEqual(['manifests[1].mediaType']);
    expect(writes(registry)).toEqual([]);
  });

  it('always writes a top-level mediaType (an index without one is OCI)', async () => {
    const registry = new InMemoryRegistryClient();
    registry.setManifest(SRC, {
      schemaVersion: 2,
      manifests: [entry('amd64', 'a', OCI_IMAGE_MANIFEST)],
    });
    registry.setManifest(
      DEST,
      list([entry('s390x', 's', OCI_IMAGE_MANIFEST)], { mediaType: OCI_IMAGE_INDEX }),
    );
    const result = await merger(registry).mergeManifestLists();
    expect(JSON.parse(new TextDecoder().decode(result.bytes)).mediaType).toBe(OCI_IMAGE_INDEX);
    expect(result.mediaType).toBe(OCI_IMAGE_INDEX);
  });

  it("keeps the destination's top-level annotations when the source has none", async () => {
    const registry = new InMemoryRegistryClient();
    const annotations = { 'org.opencontainers.image.revision': 'abc123' };
    registry.setManifest(SRC, list([entry('amd64')], { mediaType: OCI_IMAGE_INDEX }));
    registry.setManifest(DEST, list([entry('s390x')], { mediaType: OCI_IMAGE_INDEX, annotations }));
    const result = await merger(registry).mergeManifestLists();
    expect(result.manifestList.annotations).toEqual(annotations);

    const withOwn = new InMemoryRegistryClient();
    withOwn.setManifest(
      SRC,
      list([entry('amd64')], { mediaType: OCI_IMAGE_INDEX, annotations: { mine: 'yes' } }),
    );
    withOwn.setManifest(DEST, list([entry('s390x')], { mediaType: OCI_IMAGE_INDEX, annotations }));
    expect((await merger(withOwn).mergeManifestLists()).manifestList.annotations).toEqual({
      mine: 'yes',
    });
  });
});
