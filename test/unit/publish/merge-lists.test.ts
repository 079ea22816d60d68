// The merge step of a publish, through the merger over the in-memory client: a select that
// selects nothing, a select missing some architectures, and a merge that creates its tag.
import { describe, expect, it, vi } from 'vitest';
import {
  DestinationNotFoundError,
  InMemoryRegistryClient,
  ManifestListMerger,
  NothingSelectedError,
} from '../../../src/index.js';
import { artifact, image, list } from '../../support/fixtures.js';
import { DEST, puts, SRC, setupMerger } from '../../support/merges.js';

const src = list([image('amd64', 'amd64'), image('arm64', 'arm64')]);

describe('a select whose eligible architectures the source lacks', () => {
  it.each([
    ['an architecture the source lacks, without a destination', ['s390x'], undefined, true],
    ['a mistyped architecture', ['amd46'], undefined, true],
    ['several, with a destination', ['s390x', 'ppc64le'], list([image('s390x', 'd')]), false],
  ])('is refused for %s, and nothing is pushed', async (_, archs, dest, empty) => {
    const { registry, merger } = setupMerger(src, dest);
    const error = await merger
      .mergeSelectedArchitectures(archs, { push: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NothingSelectedError);
    expect(error).toMatchObject({
      code: 'NOTHING_SELECTED',
      image: SRC,
      eligibleArchs: archs,
      available: ['linux/amd64', 'linux/arm64'],
      empty,
    });
    expect(puts(registry)).toEqual([]);
  });

  it("is refused in match: 'architecture' too (raw names)", async () => {
    const { merger } = setupMerger(src, undefined, { match: 'architecture' });
    await expect(merger.mergeSelectedArchitectures(['aarch64'])).rejects.toBeInstanceOf(
      NothingSelectedError,
    );
  });

  it('is refused without push: the list would be useless to sign', async () => {
    const { merger } = setupMerger(src, undefined);
    await expect(merger.mergeSelectedArchitectures(['s390x'])).rejects.toBeInstanceOf(
      NothingSelectedError,
    );
  });

  it('gives the empty list with allowEmpty, pushed when asked, with a warning', async () => {
    const { registry, merger } = setupMerger(src, undefined, { allowEmpty: true });
    const result = await merger.mergeSelectedArchitectures(['s390x'], { push: true });
    expect(result.outcome).toBe('pushed');
    expect(result.manifestList.manifests).toEqual([]);
    expect(result.warnings).toEqual([
      `Architecture 's390x' is not in the source '${SRC}' (it has linux/amd64, linux/arm64)`,
    ]);
    expect(puts(registry)).toHaveLength(1);
  });

  it('keeps the destination as it is with allowEmpty (unchanged)', async () => {
    const dest = list([image('s390x', 'd')]);
    const { registry, merger } = setupMerger(src, dest, { allowEmpty: true });
    const result = await merger.mergeSelectedArchitectures(['ppc64le'], { push: true });
    expect(result.outcome).toBe('unchanged');
    expect(puts(registry)).toEqual([]);
  });

  it('takes the source artifacts anyway, and says the list is not empty', async () => {
    const { merger } = setupMerger(list([image('amd64', 'amd64'), artifact('sbom')]), undefined);
    const error = await merger.mergeSelectedArchitectures(['s390x']).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NOTHING_SELECTED', empty: false });
  });
});

describe('a select missing some of its eligible architectures', () => {
  it('selects the others, with one warning per architecture missing', async () => {
    const { merger } = setupMerger(src, undefined);
    const result = await merger.mergeSelectedArchitectures(['arm64', 's390x', 'linux/arm/v7'], {
      push: true,
    });
    expect(result.outcome).toBe('pushed');
    expect(result.fromSource).toEqual(['linux/arm64']);
    expect(result.warnings).toEqual([
      `Architecture 's390x' is not in the source '${SRC}' (it has linux/amd64, linux/arm64)`,
      `Architecture 'linux/arm/v7' is not in the source '${SRC}' (it has linux/amd64, linux/arm64)`,
    ]);
  });

  it('has no warnings when every architecture is there', async () => {
    const { merger } = setupMerger(src, undefined);
    const result = await merger.mergeSelectedArchitectures(['aarch64', 'x86_64']);
    expect(result.warnings).toEqual([]);
  });
});

describe('a merge into a destination that does not exist', () => {
  it('is a DestinationNotFoundError that names createDestination', async () => {
    const { registry, merger } = setupMerger(src, undefined);
    const error = await merger.mergeManifestLists().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DestinationNotFoundError);
    expect((error as Error).message).toContain('createDestination: true');
    expect(puts(registry)).toEqual([]);
  });

  it("creates it with the source's entries and exact bytes with createDestination, If-None-Match: *", async () => {
    const info = vi.fn();
    const { registry, merger } = setupMerger(src, undefined, {
      createDestination: true,
      logger: { info },
    });
    const result = await merger.mergeManifestLists();
    expect(result.outcome).toBe('pushed');
    expect(result.digest).toBe(registry.resolveTag(SRC));
    expect(result.plan.added.map((e) => e.platform)).toEqual(['linux/amd64', 'linux/arm64']);
    expect(result.destinationMediaType).toBeUndefined();
    expect(registry.resolveTag(DEST)).toBe(result.digest);
    expect(puts(registry)).toEqual([{ method: 'put', image: DEST, precondition: '*' }]);
    expect(info.mock.calls.map((c) => c[0])).toContain(
      `Destination '${DEST}' does not exist; creating it`,
    );
  });

  it('copies the children of a created destination from another repository', async () => {
    const registry = new InMemoryRegistryClient();
    const amd64 = registry.setImage('registry.test/acme/build:amd64', {
      platform: { os: 'linux', architecture: 'amd64' },
    });
    registry.setManifest('registry.test/acme/build:list', list([amd64]));
    const merger = new ManifestListMerger({
      srcImage: 'registry.test/acme/build:list',
      destImage: 'registry.test/acme/release:1.0',
      srcClient: registry,
      destClient: registry,
      createDestination: true,
    });
    const result = await merger.mergeManifestLists();
    expect(result.childrenToCopy).toEqual([amd64.digest]);
    expect(registry.holdsManifest('registry.test/acme/release', amd64.digest)).toBe(true);
  });

  it('is merged as usual with createDestination when it exists', async () => {
    const { merger } = setupMerger(src, list([image('s390x', 's390x')]), {
      createDestination: true,
    });
    const result = await merger.mergeManifestLists();
    expect(result.fromDestination).toEqual(['linux/s390x']);
  });
});
