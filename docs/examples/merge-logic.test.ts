// Unit tests of release logic with no registry: the pure merge functions, and
// ManifestListMerger over InMemoryRegistryClient (vitest).
import { describe, expect, it } from 'vitest';
import {
  addMissingArchitectures,
  DestinationNotFoundError,
  describeMerge,
  getMissingArchitectures,
  InMemoryRegistryClient,
  type ManifestDescriptor,
  type ManifestList,
  ManifestListMerger,
  MediaTypes,
  selectArchitectures,
} from '../../src/index.js';

/** An image entry; `n` makes its (fake) digest. */
function image(n: number, architecture: string, variant?: string): ManifestDescriptor {
  return {
    mediaType: MediaTypes.OCI_IMAGE_MANIFEST,
    digest: `sha256:${n.toString(16).padStart(64, '0')}`,
    size: 500 + n,
    platform: { os: 'linux', architecture, ...(variant ? { variant } : {}) },
  };
}

function list(...manifests: ManifestDescriptor[]): ManifestList {
  return { schemaVersion: 2, mediaType: MediaTypes.OCI_IMAGE_INDEX, manifests };
}

const archs = (l: ManifestList) => l.manifests.map((m) => m.platform?.architecture);

describe('merge logic (pure functions)', () => {
  const src = list(image(1, 'amd64'), image(2, 'arm64'));
  const dest = list(image(3, 'amd64'), image(4, 's390x'), image(5, 'ppc64le'));

  it('a merge keeps the destination platforms the source lacks', () => {
    const missing = getMissingArchitectures(src, dest);
    expect(archs(list(...missing))).toEqual(['s390x', 'ppc64le']);
    const merged = addMissingArchitectures(src, missing);
    expect(archs(merged)).toEqual(['amd64', 'arm64', 's390x', 'ppc64le']);
    expect(describeMerge(src, dest, merged).replaced).toMatchObject([
      { platform: 'linux/amd64', previousDigest: dest.manifests[0]?.digest },
    ]);
  });

  it('a select takes only the eligible architectures', () => {
    const merged = selectArchitectures(src, dest, ['arm64']);
    expect(archs(merged)).toEqual(['arm64', 'amd64', 's390x', 'ppc64le']);
    // No destination yet: the selection alone.
    expect(archs(selectArchitectures(src, undefined, ['aarch64']))).toEqual(['arm64']);
  });

  it('platform matching keeps arm/v6 next to arm/v7; architecture matching does not', () => {
    const v7 = list(image(6, 'arm', 'v7'));
    const withV6 = list(image(7, 'arm', 'v6'), image(8, 'arm', 'v7'));
    expect(getMissingArchitectures(v7, withV6)).toHaveLength(1);
    expect(getMissingArchitectures(v7, withV6, { match: 'architecture' })).toHaveLength(0);
  });
});

describe('ManifestListMerger over InMemoryRegistryClient', () => {
  const setup = () => {
    const registry = new InMemoryRegistryClient();
    registry.setManifest('quay.io/acme/app:build', list(image(1, 'amd64'), image(2, 'arm64')));
    registry.setManifest('quay.io/acme/app:1.0', list(image(3, 'amd64'), image(4, 's390x')));
    const merger = new ManifestListMerger({
      srcImage: 'quay.io/acme/app:build',
      destImage: 'quay.io/acme/app:1.0',
      srcClient: registry,
      destClient: registry,
    });
    return { registry, merger };
  };

  it('pushes once, and a second merge is a no-op', async () => {
    const { registry, merger } = setup();
    const result = await merger.mergeManifestLists();
    expect(result).toMatchObject({ outcome: 'pushed', fromSource: ['linux/amd64', 'linux/arm64'] });
    expect(result.fromDestination).toEqual(['linux/s390x']);
    expect(registry.resolveTag('quay.io/acme/app:1.0')).toBe(result.digest);
    expect(registry.calls.filter((c) => c.method === 'put')).toHaveLength(1);

    const again = await merger.mergeManifestLists();
    expect(again).toMatchObject({ outcome: 'unchanged', digest: result.digest });
  });

  it('a dry run writes nothing', async () => {
    const { registry, merger } = setup();
    const before = registry.resolveTag('quay.io/acme/app:1.0');
    const plan = await merger.mergeManifestLists({ dryRun: true });
    expect(plan.outcome).toBe('dry-run');
    expect(registry.calls.some((c) => c.method === 'put')).toBe(false);
    expect(registry.resolveTag('quay.io/acme/app:1.0')).toBe(before);
  });

  it('a merge needs a destination; a select creates it with push', async () => {
    const { registry } = setup();
    const merger = new ManifestListMerger({
      srcImage: 'quay.io/acme/app:build',
      destImage: 'quay.io/acme/app:2.0',
      srcClient: registry,
      destClient: registry,
    });
    await expect(merger.mergeManifestLists()).rejects.toBeInstanceOf(DestinationNotFoundError);
    const result = await merger.mergeSelectedArchitectures(['amd64'], { push: true });
    expect(result.fromSource).toEqual(['linux/amd64']);
    expect(registry.resolveTag('quay.io/acme/app:2.0')).toBe(result.digest);
  });
});
