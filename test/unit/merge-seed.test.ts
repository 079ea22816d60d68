// The seed's scenarios (REGISTRY-NOTES §1), in both match modes: for lists of one OS without
// variants, 'platform' must give exactly what pubtools-quay's 'architecture' matching gives.
import { describe, expect, it } from 'vitest';
import { OCI_IMAGE_INDEX } from '../../src/manifest/media-types.js';
import type { MatchMode } from '../../src/manifest/platform.js';
import type { ManifestList } from '../../src/manifest/types.js';
import { listsEqual } from '../../src/merge/equality.js';
import { addMissingArchitectures, getMissingArchitectures } from '../../src/merge/merge-mode.js';
import { selectArchitectures } from '../../src/merge/select-mode.js';
import { archs, deepFreeze, digests, image, list, sharesNothing } from './fixtures.js';

const modes: MatchMode[] = ['architecture', 'platform'];

/** Runs `fn` on frozen inputs and checks they still equal their snapshots afterwards. */
function untouched<T>(inputs: ManifestList[], fn: () => T): T {
  const snapshots = inputs.map((l) => structuredClone(l));
  for (const l of inputs) deepFreeze(l);
  const out = fn();
  expect(inputs).toStrictEqual(snapshots);
  return out;
}

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

describe.each(modes)("the select mode with match '%s'", (match) => {
  const src = () =>
    list([image('amd64', 'src-amd64'), image('arm64', 'src-arm64'), image('ppc64le', 'src-ppc')]);

  it('takes the eligible source architectures, then the destination ones not added', () => {
    const dest = list([
      image('s390x', 'dst-s390x'),
      image('arm64', 'dst-arm64'),
      image('ppc64le', 'dst-ppc'),
      image('amd64', 'dst-amd64'),
    ]);
    const result = selectArchitectures(src(), dest, ['arm64', 'amd64'], { match });
    expect(archs(result)).toEqual(['amd64', 'arm64', 's390x', 'ppc64le']);
    expect(digests(result)).toEqual([
      src().manifests[0]?.digest,
      src().manifests[1]?.digest,
      dest.manifests[0]?.digest,
      dest.manifests[2]?.digest,
    ]);
  });

  it('takes only the eligible entries when the destination does not exist', () => {
    const result = selectArchitectures(src(), undefined, ['ppc64le', 'amd64'], { match });
    expect(archs(result)).toEqual(['amd64', 'ppc64le']);
  });

  it('gives an empty list for no eligible architecture and no destination', () => {
    const s = src();
    const result = selectArchitectures(s, undefined, [], { match });
    expect(result.manifests).toEqual([]);
    expect(result.mediaType).toBe(s.mediaType);
    expect(selectArchitectures(s, undefined, ['riscv64'], { match }).manifests).toEqual([]);
  });

  it('keeps the whole destination when no architecture is eligible', () => {
    const dest = list([image('s390x', 'dst-s390x'), image('amd64', 'dst-amd64')]);
    expect(digests(selectArchitectures(src(), dest, [], { match }))).toEqual(digests(dest));
  });

  it('drops ineligible source architectures even when the destination lacks them', () => {
    const dest = list([image('amd64', 'dst-amd64')]);
    const result = selectArchitectures(src(), dest, ['amd64'], { match });
    expect(archs(result)).toEqual(['amd64']);
    expect(digests(result)).toEqual([src().manifests[0]?.digest]);
  });

  it('takes every top-level field from the source', () => {
    const s = list([image('amd64', 'src-amd64')], {
      mediaType: OCI_IMAGE_INDEX,
      annotations: { x: 'y' },
    });
    const dest = list([image('s390x', 'dst-s390x')], { 'x-dest': 1 });
    const result = selectArchitectures(s, dest, ['amd64'], { match });
    expect({ ...result, manifests: [] }).toStrictEqual({ ...s, manifests: [] });
  });

  it('mutates neither input and shares no object with them', () => {
    const s = src();
    const dest = list([image('s390x', 'dst-s390x'), image('amd64', 'dst-amd64')]);
    const result = untouched([s, dest], () =>
      selectArchitectures(s, dest, ['amd64', 'arm64'], { match }),
    );
    expect(archs(result)).toEqual(['amd64', 'arm64', 's390x']);
    expect(sharesNothing(result, s)).toBe(true);
    expect(sharesNothing(result, dest)).toBe(true);
  });
});

describe('default match mode', () => {
  it("is 'platform': linux/arm/v6 next to linux/arm/v7 survives", () => {
    const src = list([image('linux/arm/v7', 'src-v7')]);
    const dest = list([image('linux/arm/v6', 'dst-v6'), image('linux/arm/v7', 'dst-v7')]);
    expect(digests(getMissingArchitectures(src, dest))).toEqual([dest.manifests[0]?.digest]);
  });
});
