// What pipelines hand over, against real CNCF distribution registries: single images pushed
// as buildah and docker push them (a v2s2 or OCI manifest with a config blob), lists with a
// repeated platform, a missing destination, a select that selects nothing.
import { describe, expect, inject, it } from 'vitest';
import {
  HttpRegistryClient,
  ManifestListMerger,
  type ManifestListMergerOptions,
  NothingSelectedError,
  parseManifestList,
} from '../../../src/index.js';
import { DOCKER_MANIFEST_LIST, OCI_IMAGE_INDEX } from '../../../src/manifest/media-types.js';
import { getManifest, listTags, pushImage, pushList } from '../../support/images.js';
import { uniqueRepo } from '../../support/registry.js';
import type { RegistryInfo } from '../../support/types.js';

const registries = inject('registries');

function mergerOf(
  reg: RegistryInfo,
  src: string,
  dest: string,
  extra: Partial<ManifestListMergerOptions> = {},
) {
  const client = new HttpRegistryClient(
    reg.username ? { username: reg.username, password: reg.password } : {},
  );
  return new ManifestListMerger({
    srcImage: `${reg.host}/${src}`,
    destImage: `${reg.host}/${dest}`,
    srcClient: client,
    destClient: client,
    ...extra,
  });
}

async function listAt(reg: RegistryInfo, repo: string, tag: string) {
  const got = await getManifest(reg, repo, tag);
  return { ...got, list: parseManifestList(got.bytes) };
}

describe.each(['anonymous', 'token'] as const)('on a %s registry', (kind) => {
  const reg = () => registries[kind];

  it.each([
    ['docker', DOCKER_MANIFEST_LIST],
    ['oci', OCI_IMAGE_INDEX],
  ] as const)(
    'merges a single %s image from another repository, config and all',
    async (format, listType) => {
      const build = uniqueRepo('single');
      const release = uniqueRepo('single');
      const image = await pushImage(reg(), build, {
        platform: 'linux/arm64/v8',
        format,
        tag: 'arm64',
      });
      const dest = await pushList(reg(), release, '1.2', {
        platforms: ['linux/amd64', 'linux/s390x'],
        format,
      });
      const result = await mergerOf(reg(), `${build}:arm64`, `${release}:1.2`).mergeManifestLists();
      expect(result.outcome).toBe('pushed');
      const after = await listAt(reg(), release, '1.2');
      expect(after.digest).toBe(result.digest);
      expect(after.contentType).toBe(listType);
      expect(after.list.manifests).toEqual([
        { ...image.descriptor, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        ...dest.entries,
      ]);
      // The image and its config blob were copied: the destination repository serves both.
      expect((await getManifest(reg(), release, image.digest)).digest).toBe(image.digest);
      expect(result.childrenToCopy).toEqual([image.digest]);
    },
  );

  it('replaces a single-image destination with a list that holds it', async () => {
    const repo = uniqueRepo('single');
    const amd64 = await pushImage(reg(), repo, {
      platform: 'linux/amd64',
      format: 'oci',
      tag: '1.2',
    });
    const src = await pushList(reg(), repo, 'arm64', { platforms: ['linux/arm64'], format: 'oci' });
    const result = await mergerOf(reg(), `${repo}:arm64`, `${repo}:1.2`).mergeManifestLists();
    expect(result.destinationMediaType).toBe(amd64.mediaType);
    const after = await listAt(reg(), repo, '1.2');
    expect(after.contentType).toBe(OCI_IMAGE_INDEX);
    expect(after.list.manifests).toEqual([...src.entries, amd64.descriptor]);
  });

  it('takes the platform option for a single image whose config names none', async () => {
    const repo = uniqueRepo('single');
    const image = await pushImage(reg(), repo, {
      platform: 'linux/ppc64le',
      tag: 'build',
      configWithoutPlatform: true,
    });
    const refused = await mergerOf(reg(), `${repo}:build`, `${repo}:1.2`)
      .mergeSelectedArchitectures(['ppc64le'], { push: true })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'UNKNOWN_PLATFORM', reason: 'no-platform' });
    const result = await mergerOf(reg(), `${repo}:build`, `${repo}:1.2`, {
      platform: 'linux/ppc64le',
    }).mergeSelectedArchitectures(['ppc64le'], { push: true });
    expect(result.outcome).toBe('pushed');
    expect((await listAt(reg(), repo, '1.2')).list.manifests).toEqual([image.descriptor]);
  });

  it('repairs a destination that names a platform twice, as buildah manifest add leaves it', async () => {
    const repo = uniqueRepo('dupes');
    const broken = await pushList(reg(), repo, '1.2', {
      platforms: ['linux/amd64', 'linux/s390x', 'linux/amd64'],
    });
    const [first, s390x, second] = broken.entries;
    await pushList(reg(), repo, 'arm64', { platforms: ['linux/arm64'] });
    const result = await mergerOf(reg(), `${repo}:arm64`, `${repo}:1.2`).mergeManifestLists();
    expect(result.plan.removed).toEqual([
      { platform: 'linux/amd64', digest: second?.digest, kind: 'image' },
    ]);
    expect(result.warnings).toEqual([
      expect.stringContaining('had duplicate platforms: linux/amd64'),
    ]);
    const after = await listAt(reg(), repo, '1.2');
    expect(after.list.manifests.map((e) => e.digest)).toEqual([
      result.manifestList.manifests[0]?.digest,
      first?.digest,
      s390x?.digest,
    ]);
  });

  it('creates a missing destination with createDestination, copying its children', async () => {
    const build = uniqueRepo('create');
    const release = uniqueRepo('create');
    const src = await pushList(reg(), build, 'next', { platforms: ['linux/amd64', 'linux/arm64'] });
    const refused = await mergerOf(reg(), `${build}:next`, `${release}:1.0`)
      .mergeManifestLists()
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'DESTINATION_NOT_FOUND' });
    expect(await listTags(reg(), release)).toEqual([]);
    const result = await mergerOf(reg(), `${build}:next`, `${release}:1.0`, {
      createDestination: true,
    }).mergeManifestLists();
    expect(result.outcome).toBe('pushed');
    expect(result.digest).toBe(src.digest);
    expect((await getManifest(reg(), release, '1.0')).bytes).toEqual(src.bytes);
  });

  it('refuses a select that selects nothing, and creates no tag', async () => {
    const repo = uniqueRepo('empty');
    await pushList(reg(), repo, 'next', { platforms: ['linux/amd64', 'linux/arm64'] });
    const error = await mergerOf(reg(), `${repo}:next`, `${repo}:1.0`)
      .mergeSelectedArchitectures(['s390x'], { push: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NothingSelectedError);
    expect(await listTags(reg(), repo)).toEqual(['next']);
  });
});
