// The rule both modes share (src/merge/carry-over.ts): which destination attestations and
// entries without a platform a result keeps, through the merge and the select mode.
import { describe, expect, it } from 'vitest';
import { addMissingArchitectures, getMissingArchitectures } from '../../../src/merge/merge-mode.js';
import { selectArchitectures } from '../../../src/merge/select-mode.js';
import { artifact, attestation, digest, digests, image, list } from '../../support/fixtures.js';

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
