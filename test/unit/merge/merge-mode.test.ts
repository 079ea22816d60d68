// The merge mode (src/merge/merge-mode.ts): getMissingArchitectures and addMissingArchitectures.
// pubtools-quay's scenarios, in both match modes: for lists of one OS without
// variants, 'platform' must give exactly what pubtools-quay's 'architecture' matching gives; then
// the platform-aware rules: variants, Windows, aliases.
import { describe, expect, it } from 'vitest';
import { OCI_IMAGE_INDEX } from '../../../src/manifest/media-types.js';
import type { MatchMode } from '../../../src/manifest/platform.js';
import type { ManifestList } from '../../../src/manifest/types.js';
import { listsEqual } from '../../../src/merge/equality.js';
import { addMissingArchitectures, getMissingArchitectures } from '../../../src/merge/merge-mode.js';
import {
  archs,
  digest,
  digests,
  image,
  list,
  sharesNothing,
  untouched,
  win,
} from '../../support/fixtures.js';

const modes: MatchMode[] = ['architecture', 'platform'];

describe.each(modes)("the merge mode with match '%s'", (match) => {
  const mergeA = (src: ManifestList, dest: ManifestList) =>
    addMissingArchitectures(src, getMissingArchitectures(src, dest, { match }));

  it('appends the architectures the source lacks, in destination order', () => {
    const src = list([image('amd64', 'src-amd64'), image('arm64', 'src-arm64')]);
    const dest = list([
      image('s390x', 'dst-s390x'),
      image('amd64', 'dst-amd64'),
      image('ppc64le', 'dst-ppc64le'),
    ]);
    const missing = getMissingArchitectures(src, dest, { match });
    expect(archs(missing)).toEqual(['s390x', 'ppc64le']);
    expect(missing).toEqual([dest.manifests[0], dest.manifests[2]]);
    const merged = addMissingArchitectures(src, missing);
    expect(archs(merged)).toEqual(['amd64', 'arm64', 's390x', 'ppc64le']);
    expect(merged.manifests[0]?.digest).toBe(src.manifests[0]?.digest);
  });

  it('returns the source unchanged when nothing is missing', () => {
    const src = list([image('amd64', 'src-amd64'), image('arm64', 'src-arm64')]);
    const dest = list([image('arm64', 'dst-arm64')]);
    expect(getMissingArchitectures(src, dest, { match })).toEqual([]);
    const merged = mergeA(src, dest);
    expect(merged).toStrictEqual(src);
    expect(listsEqual(merged, src)).toBe(true);
  });

  it('keeps the source entries first when the destination is a superset', () => {
    const src = list([image('arm64', 'src-arm64')]);
    const dest = list([
      image('amd64', 'dst-amd64'),
      image('arm64', 'dst-arm64'),
      image('s390x', 'dst-s390x'),
    ]);
    const merged = mergeA(src, dest);
    expect(archs(merged)).toEqual(['arm64', 'amd64', 's390x']);
    expect(digests(merged)).not.toContain(dest.manifests[1]?.digest);
  });

  it('takes every top-level field from the source', () => {
    const src = list([image('amd64', 'src-amd64')], {
      mediaType: OCI_IMAGE_INDEX,
      annotations: { 'org.opencontainers.image.version': '2.0' },
      'x-src': true,
    });
    const dest = list([image('s390x', 'dst-s390x')], { 'x-dest': 1, annotations: { a: 'b' } });
    const merged = mergeA(src, dest);
    expect({ ...merged, manifests: [] }).toStrictEqual({ ...src, manifests: [] });
    expect(merged).not.toHaveProperty('x-dest');
  });

  it('mutates neither input and shares no object with them', () => {
    const src = list([image('amd64', 'src-amd64')], { annotations: { a: 'b' } });
    const dest = list([image('s390x', 'dst-s390x'), image('amd64', 'dst-amd64')]);
    const missing = untouched([src, dest], () => getMissingArchitectures(src, dest, { match }));
    expect(sharesNothing(missing, dest)).toBe(true);
    const merged = untouched([src, dest], () => addMissingArchitectures(src, missing));
    expect(sharesNothing(merged, src)).toBe(true);
    expect(sharesNothing(merged, missing)).toBe(true);
    expect(Object.isFrozen(merged.manifests)).toBe(false);
  });
});

describe('default match mode', () => {
  it("is 'platform': linux/arm/v6 next to linux/arm/v7 survives", () => {
    const src = list([image('linux/arm/v7', 'src-v7')]);
    const dest = list([image('linux/arm/v6', 'dst-v6'), image('linux/arm/v7', 'dst-v7')]);
    expect(digests(getMissingArchitectures(src, dest))).toEqual([dest.manifests[0]?.digest]);
  });
});

describe('platform matching', () => {
  it('keeps linux/arm/v6 next to linux/arm/v7; pubtools-quay loses it', () => {
    const src = list([image('linux/arm/v7', 'src-v7'), image('amd64', 'src-amd64')]);
    const dest = list([image('linux/arm/v6', 'dst-v6'), image('linux/arm/v7', 'dst-v7')]);
    const platform = addMissingArchitectures(src, getMissingArchitectures(src, dest));
    expect(digests(platform)).toEqual([digest('src-v7'), digest('src-amd64'), digest('dst-v6')]);
    const seed = addMissingArchitectures(
      src,
      getMissingArchitectures(src, dest, { match: 'architecture' }),
    );
    expect(digests(seed)).toEqual([digest('src-v7'), digest('src-amd64')]);
  });

  it('keeps windows/amd64 next to linux/amd64; pubtools-quay loses it', () => {
    const src = list([image('linux/amd64', 'src-linux')]);
    const dest = list([win('10.0.17763.1879', 'dst-win'), image('linux/amd64', 'dst-linux')]);
    expect(digests(getMissingArchitectures(src, dest))).toEqual([digest('dst-win')]);
    expect(getMissingArchitectures(src, dest, { match: 'architecture' })).toEqual([]);
  });

  it('tells Windows builds apart by os.version (major.minor.build only)', () => {
    const src = list([win('10.0.17763.2000', 'src-1809')]);
    const dest = list([win('10.0.17763.1879', 'dst-1809'), win('10.0.20348.169', 'dst-2022')]);
    expect(digests(getMissingArchitectures(src, dest))).toEqual([digest('dst-2022')]);
    // The seed takes both for one platform: the two modes differ here, even on one OS.
    expect(getMissingArchitectures(src, dest, { match: 'architecture' })).toEqual([]);
  });

  it('treats aarch64 as arm64 and x86_64 as amd64', () => {
    const src = list([image('linux/aarch64', 'src-arm64'), image('linux/x86_64', 'src-amd64')]);
    const dest = list([
      image('linux/arm64/v8', 'dst-arm64'),
      image('amd64', 'dst-amd64'),
      image('s390x', 'dst-s390x'),
    ]);
    expect(digests(getMissingArchitectures(src, dest))).toEqual([digest('dst-s390x')]);
    expect(digests(getMissingArchitectures(src, dest, { match: 'architecture' }))).toEqual(
      digests(dest),
    );
  });
});
