// The limits of a children copy (src/publish/children.ts), over the in-memory client: indexes
// nested past maxIndexDepth, digests of an algorithm that cannot be checked; and what it must
// accept: sha512 children. Nothing is pushed on a refusal.
import { describe, expect, it } from 'vitest';
import {
  InMemoryRegistryClient,
  InvalidDigestError,
  ManifestListMerger,
  NestingTooDeepError,
} from '../../../src/index.js';
import { OCI_IMAGE_INDEX, OCI_IMAGE_MANIFEST } from '../../../src/manifest/media-types.js';
import { copyChildren, DEFAULT_MAX_INDEX_DEPTH } from '../../../src/publish/children.js';
import {
  BUILD,
  chain,
  DEST,
  lists,
  merge,
  storeImage,
  storeIndex,
  writes,
} from '../../support/merges.js';

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
    const child = storeImage(source, 'sha512-image', { algorithm: 'sha512' });
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
});
