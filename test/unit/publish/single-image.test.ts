// Single-image manifests as either side of a merge, over the in-memory client: the
// one-entry list that stands for them, its platform from the config blob, and its limits.
import { describe, expect, it } from 'vitest';
import {
  DigestMismatchError,
  IncompatibleMediaTypeError,
  InMemoryRegistryClient,
  type ManifestDescriptor,
  type ManifestList,
  ManifestListMerger,
  type ManifestListMergerOptions,
  NotFoundError,
  NothingSelectedError,
  type RegistryClient,
  UnknownPlatformError,
  UnsupportedOperationError,
} from '../../../src/index.js';
import {
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  OCI_IMAGE_INDEX,
  OCI_IMAGE_MANIFEST,
} from '../../../src/manifest/media-types.js';

const REPO = 'registry.test/acme/app';
const SRC = `${REPO}:1.2-arm64`;
const DEST = `${REPO}:1.2`;
const linux = (architecture: string, variant?: string) => ({
  os: 'linux',
  architecture,
  ...(variant ? { variant } : {}),
});

function listOf(entries: ManifestDescriptor[], mediaType = DOCKER_MANIFEST_LIST): ManifestList {
  return { schemaVersion: 2, mediaType, manifests: entries };
}

function merger(registry: RegistryClient, extra: Partial<ManifestListMergerOptions> = {}) {
  return new ManifestListMerger({
    srcImage: SRC,
    destImage: DEST,
    srcClient: registry,
    destClient: registry,
    ...extra,
  });
}

const puts = (r: InMemoryRegistryClient) => r.calls.filter((c) => c.method === 'put');

describe('a single-image source', () => {
  it.each([
    ['docker', DOCKER_MANIFEST, DOCKER_MANIFEST_LIST],
    ['oci', OCI_IMAGE_MANIFEST, OCI_IMAGE_INDEX],
  ] as const)(
    '(%s) is one entry of its exact digest, size and type, platform from its config',
    async (format, imageType, listType) => {
      const registry = new InMemoryRegistryClient();
      const image = registry.setImage(SRC, { platform: linux('arm64', 'v8'), format });
      const dest = [
        registry.setImage(`${REPO}:amd64`, { platform: linux('amd64'), format }),
        registry.setImage(`${REPO}:s390x`, { platform: linux('s390x'), format }),
      ];
      registry.setManifest(DEST, listOf(dest, listType));
      const result = await merger(registry).mergeManifestLists();
      expect(result.outcome).toBe('pushed');
      expect(result.mediaType).toBe(listType);
      expect(result.manifestList.manifests).toEqual([
        {
          mediaType: imageType,
          digest: image.digest,
          size: image.size,
          platform: linux('arm64', 'v8'),
        },
        ...dest,
      ]);
      expect(result.plan.added.map((e) => e.platform)).toEqual(['linux/arm64/v8']);
      expect(result.destinationMediaType).toBe(listType);
      expect(registry.resolveTag(DEST)).toBe(result.digest);
    },
  );

  it('takes os.version and os.features from a Windows config', async () => {
    const registry = new InMemoryRegistryClient();
    const platform = {
      os: 'windows',
      architecture: 'amd64',
      'os.version': '10.0.17763.1879',
      'os.features': ['win32k'],
    };
    registry.setImage(SRC, { platform });
    const result = await merger(registry).mergeSelectedArchitectures(['amd64']);
    expect(result.manifestList.manifests[0]?.platform).toEqual(platform);
  });

  it('is never pushed as the list: its bytes are an image, the list new bytes', async () => {
    const registry = new InMemoryRegistryClient();
    const image = registry.setImage(SRC, { platform: linux('arm64'), format: 'docker' });
    const result = await merger(registry).mergeSelectedArchitectures(['arm64'], { push: true });
    expect(result.outcome).toBe('pushed');
    expect(result.digest).not.toBe(image.digest);
    expect(result.mediaType).toBe(DOCKER_MANIFEST_LIST);
    expect(JSON.parse(Buffer.from(result.bytes).toString('utf8'))).toEqual(result.manifestList);
    expect(puts(registry)).toEqual([{ method: 'put', image: DEST, precondition: '*' }]);
  });

  it('is eligible in a select by the platform its config names', async () => {
    const registry = new InMemoryRegistryClient();
    registry.setImage(SRC, { platform: linux('s390x') });
    const selected = await merger(registry).mergeSelectedArchitectures(['s390x']);
    expect(selected.fromSource).toEqual(['linux/s390x']);
    const refused = await merger(registry)
      .mergeSelectedArchitectures(['amd64'], { push: true })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NothingSelectedError);
    expect((refused as NothingSelectedError).available).toEqual(['linux/s390x']);
    expect(puts(registry)).toEqual([]);
  });

  it('of the Docker family, merged into an OCI index of OCI images, makes an OCI index', async () => {
    const registry = new InMemoryRegistryClient();
    registry.setImage(SRC, { platform: linux('arm64'), format: 'docker' });
    const oci = registry.setImage(`${REPO}:amd64`, { platform: linux('amd64'), format: 'oci' });
    registry.setManifest(DEST, listOf([oci], OCI_IMAGE_INDEX));
    const result = await merger(registry).mergeManifestLists();
    expect(result.mediaType).toBe(OCI_IMAGE_INDEX);
    expect(result.manifestList.manifests.map((e) => e.mediaType)).toEqual([
      DOCKER_MANIFEST,
      OCI_IMAGE_MANIFEST,
    ]);
    const refused = await merger(registry, { dockerListConversion: 'error' })
      .mergeManifestLists({ force: true })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(IncompatibleMediaTypeError);
  });

  it('is copied into another repository with its config blob', async () => {
    const registry = new InMemoryRegistryClient();
    const image = registry.setImage('registry.test/acme/build:arm64', { platform: linux('arm64') });
    const m = new ManifestListMerger({
      srcImage: 'registry.test/acme/build:arm64',
      destImage: 'registry.test/acme/release:1.2',
      srcClient: registry,
      destClient: registry,
    });
    const result = await m.mergeSelectedArchitectures(['arm64'], { push: true });
    expect(result.childrenToCopy).toEqual([image.digest]);
    expect(registry.holdsManifest('registry.test/acme/release', image.digest)).toBe(true);
  });

  describe('whose config names no platform', () => {
    it('is refused, naming the side and the config, and nothing is pushed', async () => {
      const registry = new InMemoryRegistryClient();
      registry.setImage(SRC, {});
      const error = await merger(registry)
        .mergeSelectedArchitectures(['arm64'], { push: true })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnknownPlatformError);
      expect(error).toMatchObject({ side: 'source', reason: 'no-platform', image: SRC });
      expect((error as UnknownPlatformError).configDigest).toMatch(/^sha256:/);
      expect(puts(registry)).toEqual([]);
    });

    it.each([
      ['a string', 'linux/arm/v7', linux('arm', 'v7')],
      [
        'a Platform',
        { os: 'windows', architecture: 'amd64', 'os.version': '10.0.20348.169' },
        null,
      ],
    ])('takes the platform option, given as %s', async (_, platform, expected) => {
      const registry = new InMemoryRegistryClient();
      registry.setImage(SRC, {});
      const result = await merger(registry, { platform }).mergeSelectedArchitectures([
        'arm',
        'amd64',
      ]);
      expect(result.manifestList.manifests[0]?.platform).toEqual(expected ?? platform);
      expect(result.warnings).toEqual([
        expect.stringMatching(/^Architecture '(arm|amd64)' is not in the source/),
      ]);
    });
  });

  it('keeps the platform its config names over the platform option, and says so', async () => {
    const registry = new InMemoryRegistryClient();
    registry.setImage(SRC, { platform: linux('amd64') });
    const result = await merger(registry, { platform: 'linux/arm64' }).mergeSelectedArchitectures([
      'amd64',
    ]);
    expect(result.manifestList.manifests[0]?.platform).toEqual(linux('amd64'));
    expect(result.warnings).toEqual([
      `The source '${SRC}' is a single image for linux/amd64, as its config says; the platform option (linux/arm64) was not used`,
    ]);
  });

  it.each(['linux', 'linux/', '/amd64', 'a/b/c/d', ''])(
    'refuses the platform option %j',
    (platform) => {
      const registry = new InMemoryRegistryClient();
      expect(() => merger(registry, { platform })).toThrow(/Option 'platform'/);
    },
  );

  describe('with a config blob it cannot trust', () => {
    /** The registry, its getBlob answering `bytes` for every blob. */
    function lying(registry: InMemoryRegistryClient, bytes: Uint8Array): RegistryClient {
      return {
        getManifest: (image, o) => registry.getManifest(image, o),
        putManifest: (image, b, t, o) => registry.putManifest(image, b, t, o),
        async getBlob() {
          async function* chunks() {
            yield bytes;
          }
          return { size: bytes.length, stream: chunks() };
        },
      };
    }

    it('refuses a config larger than 1 MiB before reading it', async () => {
      const registry = new InMemoryRegistryClient();
      const big = { os: 'linux', architecture: 'amd64', pad: 'x'.repeat(1024 * 1024) };
      registry.setImage(SRC, { config: big });
      const error = await merger(registry)
        .mergeSelectedArchitectures(['amd64'])
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'UNKNOWN_PLATFORM', reason: 'config-too-large' });
      expect(registry.calls.filter((c) => c.method === 'getBlob')).toEqual([]);
    });

    it('stops reading a blob longer than its descriptor says', async () => {
      const registry = new InMemoryRegistryClient();
      registry.setImage(SRC, { platform: linux('amd64') });
      const longer = new Uint8Array(4096).fill(0x20);
      const error = await merger(lying(registry, longer))
        .mergeSelectedArchitectures(['amd64'])
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'UNKNOWN_PLATFORM', reason: 'invalid-config' });
    });

    it('refuses bytes of the right size but another digest', async () => {
      const registry = new InMemoryRegistryClient();
      registry.setImage(SRC, { platform: linux('amd64') });
      const manifest = JSON.parse(Buffer.from((await registry.getManifest(SRC)).bytes).toString());
      const { size } = (manifest as { config: { size: number } }).config;
      const other = new TextEncoder().encode(
        JSON.stringify({ os: 'linux', architecture: 's390x' }).padEnd(size, ' '),
      );
      const error = await merger(lying(registry, other))
        .mergeSelectedArchitectures(['s390x'])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DigestMismatchError);
      expect(error).toMatchObject({ kind: 'blob' });
    });

    it('refuses a config that is not JSON', async () => {
      const registry = new InMemoryRegistryClient();
      registry.setImage(SRC, { config: ['not', 'an', 'object'] });
      const error = await merger(registry, { platform: 'linux/amd64' })
        .mergeSelectedArchitectures(['amd64'])
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'UNKNOWN_PLATFORM', reason: 'invalid-config' });
    });
  });

  it('needs getBlob to read its config, unless the platform option says it', async () => {
    const registry = new InMemoryRegistryClient();
    registry.setImage(SRC, { platform: linux('arm64') });
    const bare: RegistryClient = {
      getManifest: (image, o) => registry.getManifest(image, o),
      putManifest: (image, b, t, o) => registry.putManifest(image, b, t, o),
    };
    const error = await merger(bare)
      .mergeSelectedArchitectures(['arm64'])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedOperationError);
    expect(error).toMatchObject({ method: 'getBlob' });
    const result = await merger(bare, { platform: 'linux/arm64' }).mergeSelectedArchitectures([
      'arm64',
    ]);
    expect(result.fromSource).toEqual(['linux/arm64']);
  });
});

it('an index whose entries have no platform is a list, under the artifact rules', async () => {
  const registry = new InMemoryRegistryClient();
  const sbom = {
    mediaType: OCI_IMAGE_MANIFEST,
    artifactType: 'application/spdx+json',
    digest: registry.setImage(`${REPO}:sbom`, {}).digest,
    size: 1,
  };
  registry.setManifest(SRC, listOf([sbom], OCI_IMAGE_INDEX));
  const amd64 = registry.setImage(`${REPO}:amd64`, { platform: linux('amd64') });
  registry.setManifest(DEST, listOf([amd64], OCI_IMAGE_INDEX));
  const result = await merger(registry).mergeManifestLists();
  expect(result.manifestList.manifests).toEqual([sbom, amd64]);
  expect(result.plan.added).toEqual([
    { platform: sbom.digest, digest: sbom.digest, kind: 'artifact' },
  ]);
});

describe('a single-image destination', () => {
  it('is a one-platform list, replaced by a list holding it', async () => {
    const registry = new InMemoryRegistryClient();
    const amd64 = registry.setImage(DEST, { platform: linux('amd64'), format: 'docker' });
    const arm64 = registry.setImage(`${REPO}:arm64`, {
      platform: linux('arm64'),
      format: 'docker',
    });
    registry.setManifest(SRC, listOf([arm64]));
    const result = await merger(registry).mergeManifestLists();
    expect(result.outcome).toBe('pushed');
    expect(result.unchanged).toBe(false);
    expect(result.manifestList.manifests).toEqual([arm64, amd64]);
    expect(result.plan.kept).toEqual([
      { platform: 'linux/amd64', digest: amd64.digest, kind: 'image' },
    ]);
    expect(result.destinationMediaType).toBe(DOCKER_MANIFEST);
    expect(result.mediaType).toBe(DOCKER_MANIFEST_LIST);
    expect(registry.resolveTag(DEST)).toBe(result.digest);
  });

  it('holding the very image of the source is still replaced by a list (never unchanged)', async () => {
    const registry = new InMemoryRegistryClient();
    const image = registry.setImage(DEST, { platform: linux('amd64'), format: 'oci' });
    const m = merger(registry, { srcImage: `${REPO}@${image.digest}` });
    const result = await m.mergeManifestLists();
    expect(result.outcome).toBe('pushed');
    expect(result.manifestList).toEqual(listOf([image], OCI_IMAGE_INDEX));
    expect(result.plan.kept.map((e) => e.digest)).toEqual([image.digest]);
    expect(result.digest).not.toBe(image.digest);
  });

  it('whose config names no platform is refused (no fallback for the destination)', async () => {
    const registry = new InMemoryRegistryClient();
    registry.setImage(DEST, {});
    registry.setManifest(
      SRC,
      listOf([registry.setImage(`${REPO}:a`, { platform: linux('arm64') })]),
    );
    const error = await merger(registry, { platform: 'linux/amd64' })
      .mergeManifestLists()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNKNOWN_PLATFORM', side: 'destination', image: DEST });
    expect(puts(registry)).toEqual([]);
  });

  it('whose config blob is missing fails: it is no missing destination to overwrite', async () => {
    const registry = new InMemoryRegistryClient();
    registry.setImage(DEST, { platform: linux('amd64') });
    registry.setManifest(
      SRC,
      listOf([registry.setImage(`${REPO}:a`, { platform: linux('arm64') })]),
    );
    const noBlobs: RegistryClient = {
      getManifest: (image, o) => registry.getManifest(image, o),
      putManifest: (image, b, t, o) => registry.putManifest(image, b, t, o),
      getBlob: () => Promise.reject(new NotFoundError({ reference: DEST, status: 404 })),
    };
    const error = await merger(noBlobs)
      .mergeSelectedArchitectures(['arm64'], { push: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(puts(registry)).toEqual([]);
  });
});
