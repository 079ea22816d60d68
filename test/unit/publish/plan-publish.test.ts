// What a publish does with a merged list (src/publish/plan-publish.ts), over the in-memory
// client: a merge that changes nothing, a dry run, and the media type of what is pushed.
import { describe, expect, it } from 'vitest';
import {
  computeDigest,
  IncompatibleMediaTypeError,
  InMemoryRegistryClient,
  ManifestListMerger,
  OCI_IMAGE_INDEX,
  OCI_IMAGE_MANIFEST,
  parseManifestList,
} from '../../../src/index.js';
import { entry, list } from '../../support/fixtures.js';
import { DEST, merger, SRC, writes } from '../../support/merges.js';

describe('a merge that changes nothing', () => {
  it('pushes nothing and reports the existing digest', async () => {
    const amd = entry('amd64');
    const s390 = entry('s390x');
    const registry = new InMemoryRegistryClient();
    registry.setManifest(SRC, list([amd]));
    const destDigest = registry.setManifest(DEST, JSON.stringify(list([amd, s390]), null, 2));
    const result = await merger(registry).mergeManifestLists();
    expect(result.outcome).not.toBe('pushed');
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

  it('counts Mode B with push the same way', async () => {
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
