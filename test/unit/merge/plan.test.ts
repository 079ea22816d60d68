// describeMerge (src/merge/plan.ts): what a merge adds, replaces, keeps and removes.
import { describe, expect, it } from 'vitest';
import { addMissingArchitectures, getMissingArchitectures } from '../../../src/merge/merge-mode.js';
import { describeMerge } from '../../../src/merge/plan.js';
import { selectArchitectures } from '../../../src/merge/select-mode.js';
import { artifact, attestation, digest, image, list } from '../../support/fixtures.js';

describe('describeMerge', () => {
  it('classifies the entries of the merge mode', () => {
    const src = list([image('amd64', 'src-amd64'), image('arm64', 'same-arm64')]);
    const dest = list([
      image('amd64', 'dst-amd64'),
      image('arm64', 'same-arm64'),
      image('s390x', 'dst-s390x'),
    ]);
    const result = addMissingArchitectures(src, getMissingArchitectures(src, dest));
    const plan = describeMerge(src, dest, result);
    expect(plan).toEqual({
      added: [],
      replaced: [
        {
          platform: 'linux/amd64',
          digest: digest('src-amd64'),
          previousDigest: digest('dst-amd64'),
          kind: 'image',
        },
      ],
      kept: [
        { platform: 'linux/arm64', digest: digest('same-arm64'), kind: 'image' },
        { platform: 'linux/s390x', digest: digest('dst-s390x'), kind: 'image' },
      ],
      removed: [],
    });
  });

  it('reports added entries and removed attestations of replaced images (select mode)', () => {
    const dstA = image('amd64', 'dst-amd64');
    const dest = list([dstA, attestation(dstA.digest, 'att-dst')]);
    const src = list([image('amd64', 'src-amd64'), image('linux/arm/v7', 'src-v7')]);
    const result = selectArchitectures(src, dest, ['amd64', 'arm']);
    const plan = describeMerge(src, dest, result);
    expect(plan.added).toEqual([
      { platform: 'linux/arm/v7', digest: digest('src-v7'), kind: 'image' },
    ]);
    expect(plan.replaced.map((r) => r.previousDigest)).toEqual([dstA.digest]);
    expect(plan.kept).toEqual([]);
    expect(plan.removed).toEqual([
      { platform: 'attestation of linux/amd64', digest: digest('att-dst'), kind: 'attestation' },
    ]);
  });

  it("shows what 'architecture' matching loses", () => {
    const src = list([image('linux/arm/v7', 'src-v7')]);
    const dest = list([image('linux/arm/v6', 'dst-v6'), image('linux/arm/v7', 'dst-v7')]);
    const options = { match: 'architecture' } as const;
    const result = addMissingArchitectures(src, getMissingArchitectures(src, dest, options));
    const plan = describeMerge(src, dest, result, options);
    expect(plan.replaced).toEqual([
      {
        platform: 'linux/arm/v7',
        digest: digest('src-v7'),
        previousDigest: digest('dst-v7'),
        kind: 'image',
      },
    ]);
    expect(plan.removed.map((r) => r.platform)).toEqual(['linux/arm/v6']);
  });

  it('reports everything as added without a destination', () => {
    const src = list([image('amd64', 'a'), artifact('sig')]);
    const plan = describeMerge(src, undefined, selectArchitectures(src, undefined, ['amd64']));
    expect(plan.added.map((e) => [e.platform, e.kind])).toEqual([
      ['linux/amd64', 'image'],
      [digest('sig'), 'artifact'],
    ]);
    expect([...plan.replaced, ...plan.kept, ...plan.removed]).toEqual([]);
  });
});
