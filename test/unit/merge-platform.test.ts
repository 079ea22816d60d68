// The platform-aware rules: variants, Windows, aliases, attestations, entries without a
// platform, the merge plan and list equality.
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors/invalid-option-error.js';
import { OCI_IMAGE_INDEX } from '../../src/manifest/media-types.js';
import { listsEqual } from '../../src/merge/equality.js';
import { addMissingArchitectures, getMissingArchitectures } from '../../src/merge/merge-mode.js';
import { describeMerge } from '../../src/merge/plan.js';
import { selectArchitectures } from '../../src/merge/select-mode.js';
import { artifact, attestation, digest, digests, image, list } from './fixtures.js';

const win = (build: string, label: string) =>
  image('windows/amd64', label, { 'os.version': build });

describe('platform matching', () => {
  it('keeps linux/arm/v6 next to linux/arm/v7; the seed loses it', () => {
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

  it('keeps windows/amd64 next to linux/amd64; the seed loses it', () => {
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

describe('eligible architectures in platform mode', () => {
  const src = list([
    image('linux/amd64', 'amd64'),
    image('linux/arm64/v8', 'arm64'),
    image('linux/arm/v6', 'arm-v6'),
    image('linux/arm', 'arm-v7'),
    win('10.0.17763.1879', 'win'),
  ]);
  const pick = (names: string[]) => digests(selectArchitectures(src, undefined, names));

  it('normalises aliases', () => {
    expect(pick(['aarch64'])).toEqual([digest('arm64')]);
    expect(pick(['x86_64'])).toEqual([digest('amd64'), digest('win')]);
    expect(pick(['armhf'])).toEqual([digest('arm-v7')]);
    expect(pick(['armel'])).toEqual([digest('arm-v6')]);
  });

  it('selects every variant for a bare architecture', () => {
    expect(pick(['arm'])).toEqual([digest('arm-v6'), digest('arm-v7')]);
  });

  it('accepts os/arch[/variant] and arch/variant', () => {
    expect(pick(['linux/arm/v7'])).toEqual([digest('arm-v7')]);
    expect(pick(['linux/arm'])).toEqual([digest('arm-v7')]);
    expect(pick(['arm/v6'])).toEqual([digest('arm-v6')]);
    expect(pick(['linux/amd64'])).toEqual([digest('amd64')]);
    expect(pick(['windows/amd64'])).toEqual([digest('win')]);
    expect(pick(['linux/arm64'])).toEqual([digest('arm64')]);
  });

  it('compares raw strings in architecture mode', () => {
    const raw = (names: string[]) =>
      digests(selectArchitectures(src, undefined, names, { match: 'architecture' }));
    expect(raw(['aarch64'])).toEqual([]);
    expect(raw(['arm'])).toEqual([digest('arm-v6'), digest('arm-v7')]);
    expect(raw(['linux/arm/v7'])).toEqual([]);
  });

  it.each([
    [[' amd64'], ['amd64', 'win']],
    [['arm64 '], ['arm64']],
    [['\tlinux/arm/v7\n'], ['arm-v7']],
  ])('ignores whitespace around a name: %j', (names, labels) => {
    expect(pick(names)).toEqual(labels.map((l) => digest(l)));
  });

  it('compares names exactly in architecture mode, whitespace included (as the seed)', () => {
    const raw = (names: string[]) =>
      digests(selectArchitectures(src, undefined, names, { match: 'architecture' }));
    expect(raw([' amd64'])).toEqual([]);
    expect(raw(['amd64'])).toEqual([digest('amd64'), digest('win')]);
  });

  it('refuses a malformed name', () => {
    expect(() => selectArchitectures(src, undefined, [''])).toThrow(InvalidOptionError);
    expect(() => selectArchitectures(src, undefined, ['a/b/c/d'])).toThrow(/a\/b\/c\/d/);
  });
});

describe('attestations', () => {
  const imgA = image('amd64', 'dst-amd64');
  const imgS = image('s390x', 'dst-s390x');
  const dest = list([
    imgA,
    attestation(imgA.digest, 'att-dst-amd64'),
    imgS,
    attestation(imgS.digest, 'att-dst-s390x'),
  ]);
  const srcA = image('amd64', 'src-amd64');
  const srcR = image('arm64', 'src-arm64');
  const src = list([
    srcA,
    attestation(srcA.digest, 'att-src-amd64'),
    srcR,
    attestation(srcR.digest, 'att-src-arm64'),
  ]);

  it('merge: keeps the attestation of a kept image, drops the one of a replaced image', () => {
    const missing = getMissingArchitectures(src, dest);
    expect(digests(missing)).toEqual([imgS.digest, digest('att-dst-s390x')]);
    const merged = addMissingArchitectures(src, missing);
    expect(digests(merged)).toEqual([...digests(src), imgS.digest, digest('att-dst-s390x')]);
  });

  it('applies the same rule in architecture mode', () => {
    expect(digests(getMissingArchitectures(src, dest, { match: 'architecture' }))).toEqual([
      imgS.digest,
      digest('att-dst-s390x'),
    ]);
  });

  it('never reports an attestation as missing on its own', () => {
    const orphan = list([image('amd64', 'x'), attestation(digest('gone'), 'att-orphan')]);
    expect(getMissingArchitectures(list([image('amd64', 'y')]), orphan)).toEqual([]);
  });

  it('keeps a destination attestation whose image the source supplies unchanged', () => {
    const same = list([imgA]);
    const missing = getMissingArchitectures(same, dest);
    expect(digests(missing)).toEqual([
      digest('att-dst-amd64'),
      imgS.digest,
      digest('att-dst-s390x'),
    ]);
  });

  it('does not duplicate an attestation both lists hold', () => {
    const both = list([imgA, attestation(imgA.digest, 'att-dst-amd64')]);
    expect(digests(getMissingArchitectures(both, dest))).toEqual([
      imgS.digest,
      digest('att-dst-s390x'),
    ]);
  });

  it('select: a source attestation comes exactly with its selected image', () => {
    const result = selectArchitectures(src, dest, ['arm64']);
    expect(digests(result)).toEqual([
      srcR.digest,
      digest('att-src-arm64'),
      imgA.digest,
      digest('att-dst-amd64'),
      imgS.digest,
      digest('att-dst-s390x'),
    ]);
    const replaced = selectArchitectures(src, dest, ['amd64']);
    expect(digests(replaced)).toEqual([
      srcA.digest,
      digest('att-src-amd64'),
      imgS.digest,
      digest('att-dst-s390x'),
    ]);
  });

  it('the select mode without a destination drops attestations of unselected images', () => {
    expect(digests(selectArchitectures(src, undefined, []))).toEqual([]);
  });
});

describe('entries without a platform', () => {
  const art = artifact('sbom');

  it('merge: carries a destination artifact over, once', () => {
    const src = list([image('amd64', 'src-amd64')]);
    const dest = list([art, image('s390x', 'dst-s390x')]);
    expect(digests(getMissingArchitectures(src, dest))).toEqual([art.digest, digest('dst-s390x')]);
    const srcWithIt = list([image('amd64', 'src-amd64'), artifact('sbom')]);
    expect(digests(getMissingArchitectures(srcWithIt, dest))).toEqual([digest('dst-s390x')]);
  });

  it('select: source artifacts always come along, destination ones stay', () => {
    const src = list([artifact('src-sig'), image('amd64', 'src-amd64')]);
    const dest = list([image('amd64', 'dst-amd64'), art]);
    expect(digests(selectArchitectures(src, dest, []))).toEqual([
      digest('src-sig'),
      digest('dst-amd64'),
      art.digest,
    ]);
    expect(digests(selectArchitectures(src, undefined, ['s390x']))).toEqual([digest('src-sig')]);
  });

  it('treats an attestation that names no image as an artifact', () => {
    const odd = attestation('', 'odd');
    delete odd.annotations?.['vnd.docker.reference.digest'];
    const dest = list([odd]);
    expect(digests(getMissingArchitectures(list([]), dest))).toEqual([odd.digest]);
  });
});

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

describe('listsEqual', () => {
  const a = list([image('amd64', 'a'), image('arm64', 'b')], {
    mediaType: OCI_IMAGE_INDEX,
    annotations: { x: '1', y: '2' },
  });

  it('ignores key order and undefined properties', () => {
    const reordered = {
      annotations: { y: '2', x: '1' },
      manifests: a.manifests.map((m) => ({
        platform: m.platform,
        size: m.size,
        digest: m.digest,
        mediaType: m.mediaType,
      })),
      mediaType: OCI_IMAGE_INDEX,
      schemaVersion: 2 as const,
      artifactType: undefined,
    };
    expect(listsEqual(a, reordered)).toBe(true);
  });

  it('sees entry order, entries, and top-level fields', () => {
    const swapped = { ...a, manifests: [...a.manifests].reverse() };
    expect(listsEqual(a, swapped)).toBe(false);
    expect(listsEqual(a, { ...a, manifests: a.manifests.slice(1) })).toBe(false);
    expect(listsEqual(a, { ...a, annotations: { x: '1' } })).toBe(false);
    expect(listsEqual(a, { ...a, mediaType: undefined })).toBe(false);
    const changed = structuredClone(a);
    if (changed.manifests[0]?.platform) changed.manifests[0].platform.variant = 'v2';
    expect(listsEqual(a, changed)).toBe(false);
    expect(listsEqual(a, structuredClone(a))).toBe(true);
  });
});
