// The merger's publishing guarantees, over the in-memory client: no-op merges, dry runs,
// media type discipline, children, serialised writers and the digest guard.
import { describe, expect, it } from 'vitest';
import {
  computeDigest,
  DigestMismatchError,
  IncompatibleMediaTypeError,
  InMemoryRegistryClient,
  InvalidOptionError,
  type ManifestDescriptor,
  type ManifestList,
  ManifestListMerger,
  MissingChildrenError,
  parseManifestList,
  type RegistryClient,
  UnsupportedOperationError,
} from '../../src/index.js';
import {
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  OCI_IMAGE_INDEX,
  OCI_IMAGE_MANIFEST,
} from '../../src/manifest/media-types.js';

const SRC = 'registry.test/acme/app:new';
const DEST = 'registry.test/acme/app:1.0';

function entry(
  architecture: string,
  seed = `${architecture}-${Math.random()}`,
  mediaType = DOCKER_MANIFEST,
): ManifestDescriptor {
  return {
    mediaType,
    digest: computeDigest(seed),
    size: 500,
    platform: { architecture, os: 'linux' },
  };
}

function list(
  manifests: ManifestDescriptor[],
  mediaType = DOCKER_MANIFEST_LIST,
  extra: Partial<ManifestList> = {},
): ManifestList {
  return { schemaVersion: 2, mediaType, manifests, ...extra };
}

function merger(
  registry: RegistryClient,
  extra: Partial<ConstructorParameters<typeof ManifestListMerger>[0]> = {},
) {
  return new ManifestListMerger({
    srcImage: SRC,
    destImage: DEST,
    srcClient: registry,
    destClient: registry,
    ...extra,
  });
}

const writes = (r: InMemoryRegistryClient) =>
  r.calls.filter((c) => c.method === 'put' || c.method === 'putBlob' || c.method === 'mountBlob');

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
        OCI_IMAGE_INDEX,
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
    registry.setManifest(DEST, list([ociChild], OCI_IMAGE_INDEX));
    const result = await merger(registry).mergeManifestLists();
    expect(result.mediaType).toBe(OCI_IMAGE_INDEX);
    expect(result.manifestList.mediaType).toBe(OCI_IMAGE_INDEX);
    expect((await registry.getManifest(DEST)).mediaType).toBe(OCI_IMAGE_INDEX);
  });

  it("refuses with dockerListConversion: 'error', naming the field, and pushes nothing", async () => {
    const registry = new InMemoryRegistryClient();
    registry.setManifest(SRC, list([entry('amd64')]));
    registry.setManifest(DEST, list([ociChild], OCI_IMAGE_INDEX));
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
    registry.setManifest(DEST, list([entry('s390x', 's', OCI_IMAGE_MANIFEST)], OCI_IMAGE_INDEX));
    const result = await merger(registry).mergeManifestLists();
    expect(JSON.parse(new TextDecoder().decode(result.bytes)).mediaType).toBe(OCI_IMAGE_INDEX);
    expect(result.mediaType).toBe(OCI_IMAGE_INDEX);
  });

  it("keeps the destination's top-level annotations when the source has none", async () => {
    const registry = new InMemoryRegistryClient();
    const annotations = { 'org.opencontainers.image.revision': 'abc123' };
    registry.setManifest(SRC, list([entry('amd64')], OCI_IMAGE_INDEX));
    registry.setManifest(DEST, list([entry('s390x')], OCI_IMAGE_INDEX, { annotations }));
    const result = await merger(registry).mergeManifestLists();
    expect(result.manifestList.annotations).toEqual(annotations);

    const withOwn = new InMemoryRegistryClient();
    withOwn.setManifest(
      SRC,
      list([entry('amd64')], OCI_IMAGE_INDEX, { annotations: { mine: 'yes' } }),
    );
    withOwn.setManifest(DEST, list([entry('s390x')], OCI_IMAGE_INDEX, { annotations }));
    expect((await merger(withOwn).mergeManifestLists()).manifestList.annotations).toEqual({
      mine: 'yes',
    });
  });
});

describe('children', () => {
  const BUILD = 'registry.test/build/app:s390x';

  /** Stores an image (config + `layers` layer blobs) in BUILD's repository: its list entry. */
  function storeImage(
    registry: InMemoryRegistryClient,
    arch: string,
    mediaType = DOCKER_MANIFEST,
    layers = 1,
  ): ManifestDescriptor {
    const config = registry.setBlob(BUILD, `${arch}-config`);
    const bytes = JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: 1 },
      layers: Array.from({ length: layers }, (_, i) => ({
        mediaType: 'application/vnd.oci.image.layer.v1.tar',
        digest: registry.setBlob(BUILD, `${arch}-layer-${i}`),
        size: 1,
      })),
    });
    const digest = registry.setManifest(`registry.test/build/app:${arch}-image`, bytes, mediaType);
    return { mediaType, digest, size: bytes.length, platform: { os: 'linux', architecture: arch } };
  }

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
    const child = (arch: string) => storeImage(registry, arch, DOCKER_MANIFEST, 0);
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
    const image = (arch: string) => storeImage(registry, arch, OCI_IMAGE_MANIFEST);
    const children = new Map<string, string[]>();
    const inner = (name: string, archs: string[]) => {
      const images = archs.map(image);
      const bytes = JSON.stringify(list(images, OCI_IMAGE_INDEX));
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
    registry.setManifest(BUILD, list([nestedA, nestedB], OCI_IMAGE_INDEX));
    registry.setManifest(DEST, list([entry('mips64le')], OCI_IMAGE_INDEX));
    let inFlight = 0;
    let maxInFlight = 0;
    const counted = new Proxy(registry, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function' || property === 'calls') return value;
        return async (...args: unknown[]) => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((r) => setTimeout(r, 2));
          try {
            return await value.apply(target, args);
          } finally {
            inFlight--;
          }
        };
      },
    });
    const result = await new ManifestListMerger({
      srcImage: BUILD,
      destImage: DEST,
      srcClient: counted,
      destClient: counted,
      copyConcurrency: 2,
      soleWriter: true,
    }).mergeManifestLists();
    expect(result.copy?.manifests).toHaveLength(8); // 6 images + 2 nested indexes
    const order = result.copy?.manifests ?? [];
    for (const [index, kids] of children) {
      // Children before the index that names them.
      expect(order.indexOf(index)).toBeGreaterThan(Math.max(...kids.map((k) => order.indexOf(k))));
    }
    for (const d of [nestedA.digest, nestedB.digest])
      expect(registry.holdsManifest(DEST, d)).toBe(true);
    expect(maxInFlight).toBeLessThanOrEqual(2);
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

describe('writers of one tag', () => {
  it('32 concurrent merges in one process, each adding a platform, lose none', async () => {
    const registry = new InMemoryRegistryClient();
    registry.setManifest(DEST, list([entry('amd64', 'base')]));
    const archs = Array.from({ length: 32 }, (_, i) => `arch${i}`);
    await Promise.all(
      archs.map((arch) => {
        const src = `registry.test/acme/app:${arch}`;
        registry.setManifest(src, list([entry(arch)]));
        return new ManifestListMerger({
          srcImage: src,
          destImage: DEST,
          srcClient: registry,
          destClient: registry,
        }).mergeManifestLists();
      }),
    );
    const final = parseManifestList((await registry.getManifest(DEST)).bytes);
    expect(final.manifests.map((m) => m.platform?.architecture).sort()).toEqual(
      ['amd64', ...archs].sort(),
    );
  });
});

describe('push verification and references', () => {
  it('fails when the client reports another digest than the bytes have', async () => {
    const registry = new InMemoryRegistryClient();
    registry.setManifest(SRC, list([entry('amd64')]));
    registry.setManifest(DEST, list([entry('s390x')]));
    // The registry stores the bytes (the tag changes) but answers with another digest.
    const lying: RegistryClient = {
      getManifest: (image, o) => registry.getManifest(image, o),
      putManifest: async (...args) => {
        await registry.putManifest(...args);
        return computeDigest('something else');
      },
    };
    const error = await merger(registry, { destClient: lying, soleWriter: true })
      .mergeManifestLists()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DigestMismatchError);
    // It says that the tag was written, and what it resolves to now.
    expect((error as Error).message).toContain('the tag was written');
    expect((error as Error).message).toContain(registry.resolveTag(DEST));
  });

  it('refuses a destination given by digest', () => {
    expect(
      () =>
        new ManifestListMerger({
          srcImage: SRC,
          destImage: `registry.test/acme/app@${computeDigest('x')}`,
        }),
    ).toThrow(InvalidOptionError);
  });

  it('re-hosts references with srcHost and host, as the seed does', () => {
    const m = new ManifestListMerger({
      srcImage: 'quay.io/a/b:1',
      destImage: 'quay.io/a/c:2',
      srcHost: 'src.example:5000',
      host: 'dest.example',
    });
    expect([m.srcImage, m.destImage]).toEqual(['src.example:5000/a/b:1', 'dest.example/a/c:2']);
    const onlyHost = new ManifestListMerger({
      srcImage: 'quay.io/a/b:1',
      destImage: 'quay.io/a/c:2',
      host: 'mirror.example',
    });
    expect([onlyHost.srcImage, onlyHost.destImage]).toEqual([
      'mirror.example/a/b:1',
      'mirror.example/a/c:2',
    ]);
  });
});
