// The select mode (src/merge/select-mode.ts): selectArchitectures, in both match modes. For lists
// of one OS without variants, 'platform' must give exactly what pubtools-quay's 'architecture'
// matching gives.
import { describe, expect, it } from 'vitest';
import { OCI_IMAGE_INDEX } from '../../../src/manifest/media-types.js';
import type { MatchMode } from '../../../src/manifest/platform.js';
import { selectArchitectures } from '../../../src/merge/select-mode.js';
import { archs, digests, image, list, sharesNothing, untouched } from '../../support/fixtures.js';

const modes: MatchMode[] = ['architecture', 'platform'];

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
