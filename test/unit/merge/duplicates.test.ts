// Lists with a platform named twice, as `buildah manifest add` and `docker manifest create
// --amend` leave them: which platforms repeat, and the list a runtime actually sees.
import { describe, expect, it } from 'vitest';
import { collapseDuplicates, duplicatePlatforms } from '../../../src/merge/duplicates.js';
import {
  artifact,
  attestation,
  deepFreeze,
  digest,
  image,
  list,
  sharesNothing,
} from '../../support/fixtures.js';

describe('duplicatePlatforms', () => {
  it('names each repeated platform once, with every index, normalised aliases included', () => {
    const l = list([
      image('amd64', 'a1'),
      image('linux/arm64', 'r1'),
      image('amd64', 'a2'),
      image('s390x', 's'),
      image('linux/aarch64', 'r2'),
      image('amd64', 'a3'),
    ]);
    expect(duplicatePlatforms(l)).toEqual([
      { platform: 'linux/amd64', indexes: [0, 2, 5] },
      { platform: 'linux/arm64', indexes: [1, 4] },
    ]);
  });

  it('finds none in a list of distinct platforms, variants and Windows builds', () => {
    const l = list([
      image('linux/arm/v6', 'v6'),
      image('linux/arm/v7', 'v7'),
      image('windows/amd64', 'w1', { 'os.version': '10.0.17763.1879' }),
      image('windows/amd64', 'w2', { 'os.version': '10.0.20348.169' }),
      image('amd64', 'a'),
    ]);
    expect(duplicatePlatforms(l)).toEqual([]);
  });

  it('never counts attestations or entries without a platform', () => {
    const a = image('amd64', 'a');
    const l = list([
      a,
      attestation(a.digest, 'att1'),
      attestation(a.digest, 'att2'),
      artifact('x'),
      artifact('y'),
    ]);
    expect(duplicatePlatforms(l)).toEqual([]);
  });
});

describe('collapseDuplicates', () => {
  it('keeps the first entry of each platform and drops the rest with their attestations', () => {
    const a1 = image('amd64', 'a1');
    const a2 = image('amd64', 'a2');
    const r1 = image('arm64', 'r1');
    const r2 = image('linux/aarch64', 'r2');
    const l = deepFreeze(
      list(
        [
          a1,
          attestation(a1.digest, 'att-a1'),
          r1,
          a2,
          attestation(a2.digest, 'att-a2'),
          r2,
          artifact('sbom'),
        ],
        { annotations: { 'org.opencontainers.image.version': '1.2' } },
      ),
    );
    const { list: out, dropped } = collapseDuplicates(l);
    expect(out.manifests.map((e) => e.digest)).toEqual([
      a1.digest,
      digest('att-a1'),
      r1.digest,
      digest('sbom'),
    ]);
    expect(dropped.map((e) => e.digest)).toEqual([a2.digest, digest('att-a2'), r2.digest]);
    expect(out.annotations).toEqual(l.annotations);
    expect(sharesNothing(out, l)).toBe(true);
  });

  it('keeps the attestation of a dropped entry whose digest is also the kept one', () => {
    const a = image('amd64', 'same');
    const l = list([a, structuredClone(a), attestation(a.digest, 'att')]);
    const { list: out, dropped } = collapseDuplicates(l);
    expect(out.manifests.map((e) => e.digest)).toEqual([a.digest, digest('att')]);
    expect(dropped).toEqual([a]);
  });

  it('returns a list without duplicates as it is', () => {
    const l = list([image('amd64', 'a'), image('arm64', 'r')]);
    expect(collapseDuplicates(l)).toStrictEqual({ list: l, dropped: [] });
  });
});
