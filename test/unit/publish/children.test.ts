// The children copy (src/publish/children.ts) as the merger runs it, over the in-memory
// client: mounts on one registry, streams across two, a client without blob methods, the
// first failure stopping the rest, a refused mount, nested indexes, copyChildren: false; and
// its parts directly: one bound on requests, the first failure, what is missing.
import { describe, expect, it } from 'vitest';
import {
  InMemoryRegistryClient,
  InvalidDigestError,
  type ManifestDescriptor,
  ManifestListMerger,
  MissingChildrenError,
  parseManifestList,
  type RegistryClient,
  UnsupportedOperationError,
} from '../../../src/index.js';
import { DOCKER_MANIFEST, OCI_IMAGE_INDEX } from '../../../src/manifest/media-types.js';
import {
  copyChildren,
  findMissingChildren,
  manifestExists,
} from '../../../src/publish/children.js';
import { entry, list } from '../../support/fixtures.js';
import {
  BUILD,
  BUILD_REPO,
  counted,
  DEST,
  merger,
  SRC,
  storeImage,
  storeIndex,
  writes,
} from '../../support/merges.js';

describe('children', () => {
  function crossRepo() {
    const registry = new InMemoryRegistryClient();
    const config = registry.setBlob(BUILD, '{"architecture":"s390x"}');
    const layer = registry.setBlob(BUILD, 'layer-bytes');
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST,
      config: {
        mediaType: 'application/vnd.docker.container.image.v1+json',
        digest: config,
        size: 24,
      },
      layers: [
        { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: layer, size: 11 },
      ],
    });
    const child = registry.setManifest(
      'registry.test/build/app:s390x-image',
      manifest,
      DOCKER_MANIFEST,
    );
    registry.setManifest(
      BUILD,
      list([
        {
          mediaType: DOCKER_MANIFEST,
          digest: child,
          size: manifest.length,
          platform: { os: 'linux', architecture: 's390x' },
        },
      ]),
    );
    registry.setManifest(DEST, list([entry('amd64')]));
    return { registry, child, config, layer };
  }

  it('copies missing children into the destination repository before the list (mounts on one registry)', async () => {
    const { registry, child, config, layer } = crossRepo();
    const result = await new ManifestListMerger({
      srcImage: BUILD,
      destImage: DEST,
      srcClient: registry,
      destClient: registry,
    }).mergeManifestLists();
    expect(result.outcome).toBe('pushed');
    expect(result.childrenToCopy).toEqual([child]);
    expect(result.copy).toMatchObject({ manifests: [child], mountedBlobs: 2, uploadedBlobs: 0 });
    expect(registry.holdsManifest(DEST, child)).toBe(true);
    expect(registry.holdsBlob(DEST, config) && registry.holdsBlob(DEST, layer)).toBe(true);
    const order = registry.calls.filter((c) => c.method === 'put').map((c) => c.image);
    expect(order).toEqual([`registry.test/acme/app@${child}`, DEST]);
  });

  it('asks the destination about each child once per push', async () => {
    const { registry, child } = crossRepo();
    await merger(registry, { srcImage: BUILD }).mergeManifestLists();
    const image = `registry.test/acme/app@${child}`;
    const checks = registry.calls.filter((c) => c.image === image && c.method !== 'put');
    // One existence check: a HEAD, its 404 confirmed with a GET (HEADs can lie).
    expect(checks.map((c) => c.method)).toEqual(['head', 'get']);
  });

  it('streams blobs across registries with two clients', async () => {
    const { registry: source, child, layer } = crossRepo();
    const target = new InMemoryRegistryClient();
    const dest = 'other.test/acme/app:1.0';
    target.setManifest(dest, list([entry('amd64')]));
    const result = await new ManifestListMerger({
      srcImage: BUILD,
      destImage: dest,
      srcClient: source,
      destClient: target,
    }).mergeManifestLists();
    expect(result.copy).toMatchObject({ manifests: [child], mountedBlobs: 0, uploadedBlobs: 2 });
    expect(target.holdsBlob(dest, layer)).toBe(true);
    expect(target.calls.some((c) => c.method === 'mountBlob')).toBe(false);
  });

  it('a client without blob methods works until a copy is needed, then names the method', async () => {
    const { registry: source } = crossRepo();
    const target = new InMemoryRegistryClient();
    const dest = 'other.test/acme/app:1.0';
    target.setManifest(dest, list([entry('amd64')]));
    // Only the two required methods: enough for a merge whose children are present.
    const minimal = (inner: InMemoryRegistryClient): RegistryClient => ({
      getManifest: (image, o) => inner.getManifest(image, o),
      putManifest: (...args) => inner.putManifest(...args),
    });
    const error = await new ManifestListMerger({
      srcImage: BUILD,
      destImage: dest,
      srcClient: minimal(source),
      destClient: minimal(target),
    })
      .mergeManifestLists()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedOperationError);
    expect((error as UnsupportedOperationError).method).toBe('getBlob');
    expect(target.calls.filter((c) => c.method === 'put')).toEqual([]);

    // Same clients, a merge within one repository: no copy needed, no error.
    const same = new InMemoryRegistryClient();
    same.setManifest(SRC, list([entry('amd64')]));
    same.setManifest(DEST, list([entry('s390x')]));
    const ok = await merger(minimal(same)).mergeManifestLists();
    expect(ok.outcome).toBe('pushed');
  });

  it('a failing child copy stops the others: nothing is written after the merge rejects', async () => {
    const registry = new InMemoryRegistryClient();
    const child = (arch: string) =>
      storeImage(registry, arch, { mediaType: DOCKER_MANIFEST, layers: 0, architecture: arch });
    const [a, b] = [child('amd64'), child('arm64')];
    registry.setManifest(BUILD, list([a, b]));
    registry.setManifest(DEST, list([entry('s390x')]));
    const writes: string[] = [];
    const source: RegistryClient = {
      getManifest: async (image, o) => {
        if (image.endsWith(a.digest))
          throw Object.assign(new Error('boom on amd64'), { status: 500 });
        if (image.endsWith(b.digest)) await new Promise((r) => setTimeout(r, 50));
        return registry.getManifest(image, o);
      },
      putManifest: (...args) => registry.putManifest(...args),
      getBlob: (...args) => registry.getBlob(...args),
    };
    const target: RegistryClient = {
      getManifest: (image, o) => registry.getManifest(image, o),
      headManifest: (image, o) => registry.headManifest(image, o),
      hasBlob: (...args) => registry.hasBlob(...args),
      mountBlob: async (...args) => {
        writes.push('mount');
        return registry.mountBlob(...args);
      },
      putManifest: async (image, ...rest) => {
        writes.push(`put ${image}`);
        return registry.putManifest(image, ...rest);
      },
    };
    const error = await new ManifestListMerger({
      srcImage: BUILD,
      destImage: DEST,
      srcClient: source,
      destClient: target,
    })
      .mergeManifestLists()
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe('boom on amd64');
    const atRejection = writes.length;
    await new Promise((r) => setTimeout(r, 120));
    expect(writes).toHaveLength(atRejection);
    expect(writes).toEqual([]);
    expect(registry.resolveTag(DEST)).toBeDefined();
    expect(parseManifestList((await registry.getManifest(DEST)).bytes).manifests).toHaveLength(1);
  });

  it('falls back to streaming when the destination credentials may not mount from the source', async () => {
    const { registry, child } = crossRepo();
    const refusingMount: RegistryClient = {
      getManifest: (image, o) => registry.getManifest(image, o),
      headManifest: (image, o) => registry.headManifest(image, o),
      putManifest: (...args) => registry.putManifest(...args),
      hasBlob: (...args) => registry.hasBlob(...args),
      putBlob: (...args) => registry.putBlob(...args),
      mountBlob: async () => {
        throw Object.assign(new Error('may not pull the source'), {
          status: 401,
          isAuthenticationFailure: true,
        });
      },
    };
    const result = await new ManifestListMerger({
      srcImage: BUILD,
      destImage: DEST,
      srcClient: registry,
      destClient: refusingMount,
    }).mergeManifestLists();
    expect(result.copy).toMatchObject({ manifests: [child], mountedBlobs: 0, uploadedBlobs: 2 });
  });

  it('nested indexes are copied whole, with one bound on requests in flight', async () => {
    const registry = new InMemoryRegistryClient();
    const image = (arch: string) => storeImage(registry, arch, { architecture: arch });
    const children = new Map<string, string[]>();
    const inner = (name: string, archs: string[]) => {
      const images = archs.map(image);
      const bytes = JSON.stringify(list(images, { mediaType: OCI_IMAGE_INDEX }));
      const digest = registry.setManifest(
        `registry.test/build/app:${name}`,
        bytes,
        OCI_IMAGE_INDEX,
      );
      children.set(
        digest,
        images.map((i) => i.digest),
      );
      return {
        mediaType: OCI_IMAGE_INDEX,
        digest,
        size: bytes.length,
        artifactType: `example/${name}`,
      };
    };
    const nestedA = inner('a', ['amd64', 'arm64', 'ppc64le']);
    const nestedB = inner('b', ['s390x', 'riscv64', '386']);
    registry.setManifest(BUILD, list([nestedA, nestedB], { mediaType: OCI_IMAGE_INDEX }));
    registry.setManifest(DEST, list([entry('mips64le')], { mediaType: OCI_IMAGE_INDEX }));
    const stats = { inFlight: 0, max: 0 };
    const client = counted(registry, stats);
    const result = await new ManifestListMerger({
      srcImage: BUILD,
      destImage: DEST,
      srcClient: client,
      destClient: client,
      copyConcurrency: 2,
      soleWriter: true,
      referrers: false, // the old list's signature lookup overlaps the PUT, outside the copy
    }).mergeManifestLists();
    expect(result.copy?.manifests).toHaveLength(8); // 6 images + 2 nested indexes
    const order = result.copy?.manifests ?? [];
    for (const [index, kids] of children) {
      // Children before the index that names them.
      expect(order.indexOf(index)).toBeGreaterThan(Math.max(...kids.map((k) => order.indexOf(k))));
    }
    for (const d of [nestedA.digest, nestedB.digest])
      expect(registry.holdsManifest(DEST, d)).toBe(true);
    expect(stats.max).toBeLessThanOrEqual(2);
  });

  it('with copyChildren: false fails listing every missing digest and pushes nothing', async () => {
    const { registry, child } = crossRepo();
    const error = await new ManifestListMerger({
      srcImage: BUILD,
      destImage: DEST,
      srcClient: registry,
      destClient: registry,
      copyChildren: false,
    })
      .mergeManifestLists()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingChildrenError);
    expect((error as MissingChildrenError).digests).toEqual([child]);
    expect(writes(registry)).toEqual([]);
  });
});

describe('copyChildren, findMissingChildren, manifestExists', () => {
  const OTHER = 'other.test/acme/app:1.0';

  it('one bound covers every request of a copy across registries, however deep the indexes', async () => {
    const source = new InMemoryRegistryClient();
    const index = (name: string) =>
      storeIndex(
        source,
        ['amd64', 'arm64', 's390x'].map((arch) => storeImage(source, `${name}-${arch}`)),
      );
    const target = new InMemoryRegistryClient();
    const stats = { inFlight: 0, max: 0 };
    const report = await copyChildren([index('a'), index('b')], {
      srcClient: counted(source, stats),
      srcImage: BUILD,
      destClient: counted(target, stats),
      destImage: OTHER,
      concurrency: 3,
    });
    expect(report).toMatchObject({ mountedBlobs: 0, uploadedBlobs: 12, presentBlobs: 0 });
    expect(report.manifests).toHaveLength(8);
    expect(stats.max).toBe(3);
  });

  it('the first failure stops the copy: nothing new starts, and it rejects with that failure once the rest settled', async () => {
    const registry = new InMemoryRegistryClient();
    const [a, b, c] = ['a', 'b', 'c'].map((label) => storeImage(registry, label));
    const asked: string[] = [];
    let bSettled = false;
    const source: RegistryClient = {
      getManifest: async (image, o) => {
        asked.push(image);
        if (image.endsWith(a?.digest as string)) {
          await new Promise((r) => setTimeout(r, 5));
          throw Object.assign(new Error('boom on a'), { status: 500 });
        }
        if (image.endsWith(b?.digest as string)) {
          await new Promise((r) => o?.signal?.addEventListener('abort', r));
          await new Promise((r) => setTimeout(r, 20));
          bSettled = true;
          throw o?.signal?.reason;
        }
        return registry.getManifest(image, o);
      },
      putManifest: (...args) => registry.putManifest(...args),
    };
    const target = new InMemoryRegistryClient();
    let settledAtRejection: boolean | undefined;
    const error = await copyChildren([a, b, c] as ManifestDescriptor[], {
      srcClient: source,
      srcImage: BUILD,
      destClient: target,
      destImage: OTHER,
      concurrency: 2,
    }).catch((e: unknown) => {
      settledAtRejection = bSettled;
      return e;
    });
    expect((error as Error).message).toBe('boom on a');
    expect(settledAtRejection).toBe(true);
    expect(asked.some((image) => image.endsWith(c?.digest as string))).toBe(false);
    expect(target.calls.filter((call) => call.method === 'put')).toEqual([]);
  });

  it('findMissingChildren: what the destination lacks, in list order, each digest once', async () => {
    const registry = new InMemoryRegistryClient();
    const [x, y, z, k] = ['x', 'y', 'z', 'k'].map((label) => storeImage(registry, label));
    const bytes = (await registry.getManifest(`${BUILD_REPO}@${x?.digest}`)).bytes;
    registry.setManifest(`registry.test/acme/app@${x?.digest}`, bytes, x?.mediaType);
    const ctx = {
      srcClient: registry,
      srcImage: BUILD,
      destClient: registry,
      destImage: DEST,
      concurrency: 2,
    };
    const missing = await findMissingChildren(
      [y, x, y, z, k] as ManifestDescriptor[],
      new Set([k?.digest as string]),
      ctx,
    );
    expect(missing.map((d) => d.digest)).toEqual([y?.digest, z?.digest]);

    registry.calls.length = 0;
    const blake3 = { ...(y as ManifestDescriptor), digest: `blake3:${'a'.repeat(64)}` };
    await expect(
      findMissingChildren([z, blake3] as ManifestDescriptor[], new Set(), ctx),
    ).rejects.toBeInstanceOf(InvalidDigestError);
    expect(registry.calls).toEqual([]);
  });

  it("manifestExists asks with HEAD (a HEAD's 404 confirmed by GET), or with GET when the client has no HEAD", async () => {
    const registry = new InMemoryRegistryClient();
    const image = storeImage(registry, 'present');
    const getOnly: RegistryClient = {
      getManifest: (...args) => registry.getManifest(...args),
      putManifest: (...args) => registry.putManifest(...args),
    };
    for (const client of [registry, getOnly]) {
      expect(await manifestExists(client, BUILD, image.digest)).toBe(true);
      expect(await manifestExists(client, DEST, image.digest)).toBe(false);
    }
    expect(registry.calls.map((c) => c.method)).toEqual(['head', 'head', 'get', 'get', 'get']);
  });
});
