// Lists naming a platform twice, as peers leave them (`buildah manifest add`, `docker
// manifest create --amend`): a destination's are collapsed to what a runtime picks, a
// source's refused unless asked, and `match: 'architecture'` takes both as pubtools-quay does.
import { describe, expect, it } from 'vitest';
import {
  addMissingArchitectures,
  DuplicatePlatformError,
  getMissingArchitectures,
  type ManifestList,
  selectArchitectures,
} from '../../../src/index.js';
import { attestation, digest, image, list } from '../../support/fixtures.js';
import { DEST, puts, SRC, setupMerger } from '../../support/merges.js';

const digests = (l: ManifestList) => l.manifests.map((e) => e.digest);

describe('a destination with duplicate platforms', () => {
  // buildah manifest add of a new amd64 build: appended after the old one, which runtimes pick.
  const old = image('amd64', 'amd64-old');
  const appended = image('amd64', 'amd64-new');
  const s390x = image('s390x', 's390x');
  const broken = list([old, attestation(old.digest, 'att-old'), s390x, appended]);

  it('is collapsed to the first entry of each; the others are removed, and a warning says so', async () => {
    const arm64 = image('arm64', 'arm64');
    const { registry, merger } = setupMerger(list([arm64]), broken);
    const result = await merger.mergeManifestLists();
    expect(result.outcome).toBe('pushed');
    expect(digests(result.manifestList)).toEqual([
      arm64.digest,
      old.digest,
      digest('att-old'),
      s390x.digest,
    ]);
    expect(result.plan.removed).toEqual([
      { platform: 'linux/amd64', digest: appended.digest, kind: 'image' },
    ]);
    expect(result.warnings).toEqual([
      `The destination '${DEST}' had duplicate platforms: linux/amd64 (2 entries); kept the first entry of each, the one a runtime picks, and removed the others`,
    ]);
    expect(puts(registry)).toHaveLength(1);
  });

  it('is repaired by merging the image meant: it replaces the platform, both entries gone', async () => {
    const { merger } = setupMerger(list([appended]), broken);
    const result = await merger.mergeManifestLists();
    expect(digests(result.manifestList)).toEqual([appended.digest, s390x.digest]);
    expect(result.plan.kept.map((e) => e.digest)).toEqual([appended.digest, s390x.digest]);
    expect(result.plan.removed.map((e) => e.digest)).toEqual([old.digest, digest('att-old')]);
  });

  it('is pushed collapsed even when the merge adds nothing: the list as read differs', async () => {
    const { merger } = setupMerger(list([s390x]), broken);
    const result = await merger.mergeManifestLists();
    expect(result.outcome).toBe('pushed');
    expect(result.unchanged).toBe(false);
    expect(digests(result.manifestList)).toEqual([s390x.digest, old.digest, digest('att-old')]);
  });

  it('is collapsed in a select too', async () => {
    const { merger } = setupMerger(list([image('arm64', 'arm64')]), broken);
    const result = await merger.mergeSelectedArchitectures(['arm64']);
    expect(result.outcome).toBe('not-pushed');
    expect(result.plan.removed.map((e) => e.digest)).toEqual([appended.digest]);
    expect(result.warnings).toHaveLength(1);
  });
});

describe('a source with duplicate platforms', () => {
  const first = image('amd64', 'first');
  const second = image('amd64', 'second');
  const src = list([first, image('linux/arm64', 'r1'), second, image('linux/aarch64', 'r2')]);
  const dest = list([image('s390x', 's390x')]);

  it('is refused, naming every duplicate, and nothing is pushed', async () => {
    const { registry, merger } = setupMerger(src, dest);
    const error = await merger.mergeManifestLists().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DuplicatePlatformError);
    expect(error).toMatchObject({
      code: 'DUPLICATE_PLATFORM',
      image: SRC,
      duplicates: [
        { platform: 'linux/amd64', indexes: [0, 2] },
        { platform: 'linux/arm64', indexes: [1, 3] },
      ],
    });
    expect(puts(registry)).toEqual([]);
  });

  it('takes the first entry of each with collapseSourceDuplicates, and says so', async () => {
    const { merger } = setupMerger(src, dest, { collapseSourceDuplicates: true });
    const result = await merger.mergeManifestLists();
    expect(result.fromSource).toEqual(['linux/amd64', 'linux/arm64']);
    expect(digests(result.manifestList)).toEqual([first.digest, digest('r1'), digest('s390x')]);
    expect(result.warnings).toEqual([
      `The source '${SRC}' lists a platform more than once: linux/amd64 (2 entries), linux/arm64 (2 entries); took the first entry of each, the one a runtime picks`,
    ]);
  });
});

describe("match: 'architecture' takes duplicates as pubtools-quay does", () => {
  // arm64 next to aarch64, amd64 twice: distinct raw strings, or the same one twice.
  const src = list([
    image('amd64', 's-amd64-1'),
    image('arm64', 's-arm64'),
    image('aarch64', 's-aarch64'),
    image('amd64', 's-amd64-2'),
  ]);
  const dest = list([
    image('s390x', 'd-s390x-1'),
    image('amd64', 'd-amd64'),
    image('s390x', 'd-s390x-2'),
    image('ppc64le', 'd-ppc64le'),
  ]);

  it('in the merge mode: every source entry, every destination entry of a missing architecture', async () => {
    const { merger } = setupMerger(src, dest, { match: 'architecture' });
    const result = await merger.mergeManifestLists();
    const pure = addMissingArchitectures(
      src,
      getMissingArchitectures(src, dest, { match: 'architecture' }),
    );
    expect(result.manifestList.manifests).toEqual(pure.manifests);
    expect(digests(result.manifestList)).toEqual([
      ...digests(src),
      digest('d-s390x-1'),
      digest('d-s390x-2'),
      digest('d-ppc64le'),
    ]);
    expect(result.warnings).toEqual([]);
  });

  it('in the select mode', async () => {
    const { merger } = setupMerger(src, dest, { match: 'architecture' });
    const result = await merger.mergeSelectedArchitectures(['amd64', 'aarch64']);
    const pure = selectArchitectures(src, dest, ['amd64', 'aarch64'], { match: 'architecture' });
    expect(result.manifestList.manifests).toEqual(pure.manifests);
    expect(digests(result.manifestList)).toEqual([
      digest('s-amd64-1'),
      digest('s-aarch64'),
      digest('s-amd64-2'),
      digest('d-s390x-1'),
      digest('d-s390x-2'),
      digest('d-ppc64le'),
    ]);
  });
});
