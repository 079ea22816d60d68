// What a children copy refuses, over the in-memory client: child manifests that match their
// digest but are not manifests, indexes nested past the limit, digests of an algorithm that
// cannot be checked; and what it must accept: sha512 children. Nothing is pushed on a refusal.
import { describe, expect, it } from 'vitest';
import {
  computeDigest,
  InMemoryRegistryClient,
  InvalidChildManifestError,
  InvalidDigestError,
  InvalidManifestListError,
  type ManifestDescriptor,
  ManifestListMerger,
  NestingTooDeepError,
} from '../../src/index.js';
import {
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  OCI_IMAGE_INDEX,
  OCI_IMAGE_MANIFEST,
} from '../../src/manifest/media-types.js';
import { copyChildren, DEFAULT_MAX_INDEX_DEPTH } from '../../src/publish/children.js';

const BUILD_REPO = 'registry.test/build/app';
const BUILD = `${BUILD_REPO}:s390x`;
const DEST = 'registry.test/acme/app:1.0';

const writes = (r: InMemoryRegistryClient) =>
  r.calls.filter((c) => c.method === 'put' || c.method === 'putBlob' || c.method === 'mountBlob');

/** Stores `bytes` in the build repository by digest (of `algorithm`); returns its descriptor. */
function storeChild(
  registry: InMemoryRegistryClient,
  bytes: Uint8Array | string,
  mediaType: string,
  algorithm = 'sha256',
): ManifestDescriptor {
  const digest = computeDigest(bytes, algorithm);
  registry.setManifest(`${BUILD_REPO}@${digest}`, bytes, mediaType);
  return { mediaType, digest, size: typeof bytes === 'string' ? bytes.length : bytes.byteLength };
}

/** An image manifest with one config and one layer blob (of `algorithm`) in the build repository. */
function storeImage(registry: InMemoryRegistryClient, label: string, algorithm = 'sha256') {
  const blob = (text: string) => ({
    mediaType: 'application/vnd.oci.image.layer.v1.tar',
    digest: registry.setBlob(BUILD, text, algorithm),
    size: text.length,
  });
  const bytes = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_IMAGE_MANIFEST,
    config: blob(`${label}-config`),
    layers: [blob(`${label}-layer`)],
  });
  return storeChild(registry, bytes, OCI_IMAGE_MANIFEST, algorithm);
}

/** An index naming `children`, stored in the build repository. */
function storeIndex(registry: InMemoryRegistryClient, children: ManifestDescriptor[]) {
  return storeChild(
    registry,
    JSON.stringify({ schemaVersion: 2, mediaType: OCI_IMAGE_INDEX, manifests: children }),
    OCI_IMAGE_INDEX,
  );
}

/** The source list (at BUILD) naming `child` as linux/s390x, and a destination at DEST. */
function lists(registry: InMemoryRegistryClient, child: ManifestDescriptor) {
  registry.setManifest(BUILD, {
    schemaVersion: 2,
    mediaType: OCI_IMAGE_INDEX,
    manifests: [{ ...child, platform: { os: 'linux', architecture: 's390x' } }],
  });
  registry.setManifest(DEST, {
    schemaVersion: 2,
    mediaType: OCI_IMAGE_INDEX,
    manifests: [
      {
        mediaType: OCI_IMAGE_MANIFEST,
        digest: computeDigest('amd64'),
        size: 5,
        platform: { os: 'linux', architecture: 'amd64' },
      },
    ],
  });
}

/** A merge (the merge mode) from BUILD into `destImage`, over one client or two. */
const merge = (srcClient: InMemoryRegistryClient, destClient = srcClient, destImage = DEST) =>
  new ManifestListMerger({
    srcImage: BUILD,
    destImage,
    srcClient,
    destClient,
  }).mergeManifestLists();

/** A chain of `levels` nested indexes above one image; returns the outermost and each level. */
function chain(registry: InMemoryRegistryClient, levels: number) {
  let child = storeImage(registry, 'bottom');
  const indexes: ManifestDescriptor[] = [];
  for (let i = 0; i < levels; i++) {
    child = storeIndex(registry, [child]);
    indexes.unshift(child); // outermost first
  }
  return { top: child, indexes };
}

describe('a child manifest that matches its digest but is not a manifest', () => {
  const deep = `{"schemaVersion":2,"x":${'['.repeat(100)}${']'.repeat(100)}}`;
  it.each([
    ['null', 'null', DOCKER_MANIFEST, 'not-an-object', ''],
    ['an array', '[1]', DOCKER_MANIFEST, 'not-an-object', ''],
    ['not JSON', 'this is not JSON', DOCKER_MANIFEST, 'invalid-json', ''],
    ['not UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), DOCKER_MANIFEST, 'invalid-json', ''],
    [
      'layers: 5',
      '{"schemaVersion":2,"layers":5}',
      DOCKER_MANIFEST,
      'invalid-descriptor',
      'layers',
    ],
    [
      'config: 5',
      '{"schemaVersion":2,"config":5}',
      DOCKER_MANIFEST,
      'invalid-descriptor',
      'config',
    ],
    [
      'a layer without a digest',
      '{"schemaVersion":2,"layers":[{"size":1}]}',
      DOCKER_MANIFEST,
      'invalid-descriptor',
      'layers[0].digest',
    ],
    [
      'a layer with a bad urls',
      `{"layers":[{"digest":"${computeDigest('l')}","urls":"x"}]}`,
      DOCKER_MANIFEST,
      'invalid-descriptor',
      'layers[0].urls',
    ],
    [
      'an index with manifests: 5',
      '{"manifests":5}',
      OCI_IMAGE_INDEX,
      'invalid-descriptor',
      'manifests',
    ],
    [
      'an index type with manifests: null',
      '{"manifests":null}',
      DOCKER_MANIFEST_LIST,
      'invalid-descriptor',
      'manifests',
    ],
    ['nested 100 levels deep', deep, DOCKER_MANIFEST, 'too-deep', ''],
  ] as const)(
    '%s → InvalidChildManifestError, nothing pushed',
    async (_name, bytes, type, reason, field) => {
      const registry = new InMemoryRegistryClient();
      const child = storeChild(registry, bytes, type);
      lists(registry, child);
      const before = registry.resolveTag(DEST);
      const error = await merge(registry).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidChildManifestError);
      expect(error).toMatchObject({ digest: child.digest, image: BUILD, reason, field });
      expect((error as Error).message).not.toContain('this is not JSON');
      expect(writes(registry)).toEqual([]);
      expect(registry.resolveTag(DEST)).toBe(before);
    },
  );
});

describe('nested indexes', () => {
  it(`copies ${DEFAULT_MAX_INDEX_DEPTH} levels, children before the index naming them`, async () => {
    const registry = new InMemoryRegistryClient();
    const { top, indexes } = chain(registry, DEFAULT_MAX_INDEX_DEPTH);
    lists(registry, top);
    const result = await merge(registry);
    expect(result.outcome).toBe('pushed');
    const copied = result.copy?.manifests ?? [];
    expect(copied).toHaveLength(DEFAULT_MAX_INDEX_DEPTH + 1);
    expect(copied.slice(1)).toEqual(indexes.map((d) => d.digest).reverse());
  });

  it(`refuses ${DEFAULT_MAX_INDEX_DEPTH + 1} levels with NestingTooDeepError, pushing nothing`, async () => {
    const registry = new InMemoryRegistryClient();
    const { top, indexes } = chain(registry, DEFAULT_MAX_INDEX_DEPTH + 1);
    lists(registry, top);
    const before = registry.resolveTag(DEST);
    const error = await merge(registry).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NestingTooDeepError);
    expect(error).toMatchObject({
      digest: indexes[DEFAULT_MAX_INDEX_DEPTH]?.digest,
      image: BUILD,
      limit: DEFAULT_MAX_INDEX_DEPTH,
    });
    expect(writes(registry)).toEqual([]);
    expect(registry.resolveTag(DEST)).toBe(before);
  });

  it.each([
    [0, 1, false],
    [2, 2, true],
    [2, 3, false],
  ])('maxIndexDepth %i, %i level(s): copied %s', async (maxIndexDepth, levels, ok) => {
    const registry = new InMemoryRegistryClient();
    const { top } = chain(registry, levels);
    const run = copyChildren([top], {
      srcClient: registry,
      srcImage: BUILD,
      destClient: registry,
      destImage: DEST,
      concurrency: 4,
      maxIndexDepth,
    });
    if (ok) expect((await run).manifests).toHaveLength(levels + 1);
    else
      await expect(run).rejects.toMatchObject({ code: 'NESTING_TOO_DEEP', limit: maxIndexDepth });
  });

  it('the merger passes its maxIndexDepth option to the copy', async () => {
    const registry = new InMemoryRegistryClient();
    lists(registry, chain(registry, 2).top);
    const shallow = new ManifestListMerger({
      srcImage: BUILD,
      destImage: DEST,
      srcClient: registry,
      destClient: registry,
      maxIndexDepth: 1,
    });
    await expect(shallow.mergeManifestLists()).rejects.toMatchObject({
      code: 'NESTING_TOO_DEEP',
      limit: 1,
    });
    expect(writes(registry)).toEqual([]);
  });

  it('copies a manifest named by several indexes once', async () => {
    const registry = new InMemoryRegistryClient();
    const shared = storeImage(registry, 'shared');
    const a = storeIndex(registry, [shared, storeImage(registry, 'a')]);
    const b = storeIndex(registry, [shared, storeImage(registry, 'b')]);
    const report = await copyChildren([a, b], {
      srcClient: registry,
      srcImage: BUILD,
      destClient: registry,
      destImage: DEST,
      concurrency: 4,
    });
    expect(report.manifests.filter((d) => d === shared.digest)).toHaveLength(1);
    expect(report.manifests).toHaveLength(5);
    const puts = registry.calls.filter(
      (c) => c.method === 'put' && c.image.endsWith(shared.digest),
    );
    expect(puts).toHaveLength(1);
  });
});

describe('digest algorithms', () => {
  it('copies a sha512 child (and its sha512 blobs) across registries', async () => {
    const source = new InMemoryRegistryClient();
    const child = storeImage(source, 'sha512-image', 'sha512');
    expect(child.digest).toMatch(/^sha512:[0-9a-f]{128}$/);
    lists(source, child);
    const target = new InMemoryRegistryClient();
    const dest = 'other.test/acme/app:1.0';
    target.setManifest(dest, { schemaVersion: 2, mediaType: OCI_IMAGE_INDEX, manifests: [] });
    const result = await merge(source, target, dest);
    expect(result.outcome).toBe('pushed');
    expect(result.copy).toMatchObject({ manifests: [child.digest], uploadedBlobs: 2 });
    expect(target.holdsManifest(dest, child.digest)).toBe(true);
  });

  it('refuses a child of an algorithm it cannot check, before fetching it, pushing nothing', async () => {
    const registry = new InMemoryRegistryClient();
    const child = { mediaType: OCI_IMAGE_MANIFEST, digest: `blake3:${'a'.repeat(64)}`, size: 10 };
    lists(registry, child);
    const error = await merge(registry).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidDigestError);
    expect(error).toMatchObject({ reason: 'unsupported-algorithm', code: 'INVALID_DIGEST' });
    expect(registry.calls.filter((c) => c.method === 'get' && c.image.includes('blake3'))).toEqual(
      [],
    );
    expect(writes(registry)).toEqual([]);
  });

  it.each([
    ['{}', 'sha256', /^sha256:44136fa3/],
    ['{}', 'sha512', /^sha512:27c74670/],
    ['{}', `sha512:${'0'.repeat(128)}`, /^sha512:27c74670/],
  ])('computeDigest(%s, %s)', (bytes, algorithm, expected) => {
    expect(computeDigest(bytes, algorithm)).toMatch(expected);
  });

  it('computeDigest refuses an unknown algorithm with a typed error', () => {
    expect(() => computeDigest('{}', 'md5')).toThrow(InvalidDigestError);
  });
});

describe('source lists nested too deep', () => {
  it('a 200k-deep array in an unknown field is an InvalidManifestListError, not a RangeError', async () => {
    const registry = new InMemoryRegistryClient();
    const image = storeImage(registry, 'x');
    lists(registry, image); // the destination; the source is replaced below
    const entry = JSON.stringify({ ...image, platform: { os: 'linux', architecture: 's390x' } });
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    registry.setManifest(
      BUILD,
      `{"schemaVersion":2,"mediaType":"${OCI_IMAGE_INDEX}","manifests":[${entry}],"x-deep":${deep}}`,
    );
    const error = await merge(registry).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidManifestListError);
    expect(error).toMatchObject({ reason: 'too-deep' });
    expect(writes(registry)).toEqual([]);
  });
});
