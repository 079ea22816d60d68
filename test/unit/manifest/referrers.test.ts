// The pure parts of referrers: tag names, reading and extending a referrers index, and the
// types a referrer is filtered by.
import { describe, expect, it } from 'vitest';
import {
  artifactTypeOf,
  COSIGN_SIMPLESIGNING,
  cosignTagsOf,
  readReferrersIndex,
  referrersIndexWith,
  referrersTagOf,
  typesOfManifest,
} from '../../../src/manifest/referrers.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const C = `sha256:${'c'.repeat(64)}`;
const LONG = `sha512:${'d'.repeat(128)}`;
const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const desc = (digest: string, extra = {}) => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest,
  size: 10,
  ...extra,
});

describe('tag names', () => {
  it('the referrers tag schema and cosign tags of a sha256 digest', () => {
    expect(referrersTagOf(A)).toBe(`sha256-${'a'.repeat(64)}`);
    expect(cosignTagsOf(A)).toEqual(
      ['sig', 'att', 'sbom'].map((s) => `sha256-${'a'.repeat(64)}.${s}`),
    );
  });

  it('a sha512 digest: the schema tag cut at 128 characters, no cosign tag (too long to exist)', () => {
    expect(referrersTagOf(LONG)).toHaveLength(128);
    expect(referrersTagOf(LONG)).toMatch(/^sha512-d+$/);
    expect(cosignTagsOf(LONG)).toEqual([]);
  });
});

describe('readReferrersIndex', () => {
  it('keeps each descriptor whole, with its artifactType and annotations', () => {
    const entry = desc(A, { artifactType: 'application/spdx+json', annotations: { k: 'v' }, x: 1 });
    const read = readReferrersIndex(bytes({ schemaVersion: 2, manifests: [entry] }));
    expect(read).toMatchObject({ ok: true, manifests: [entry] });
  });

  it('reads an index without manifests as empty', () => {
    expect(readReferrersIndex(bytes({ schemaVersion: 2 }))).toMatchObject({
      ok: true,
      manifests: [],
    });
  });

  it.each([
    ['not JSON', new TextEncoder().encode('{'), '', 'invalid-json'],
    ['not UTF-8', new Uint8Array([0xff, 0xfe]), '', 'invalid-json'],
    ['an array', bytes([]), '', 'not-an-object'],
    ['manifests not an array', bytes({ manifests: {} }), 'manifests', 'invalid-descriptor'],
    ['an entry not an object', bytes({ manifests: [1] }), 'manifests[0]', 'invalid-descriptor'],
    [
      'a bad digest',
      bytes({ manifests: [desc('sha256:x')] }),
      'manifests[0].digest',
      'invalid-descriptor',
    ],
    [
      'no size',
      bytes({ manifests: [{ mediaType: 'x', digest: A }] }),
      'manifests[0]',
      'invalid-descriptor',
    ],
    ['too deep', new TextEncoder().encode(`${'['.repeat(70)}${']'.repeat(70)}`), '', 'too-deep'],
  ])('refuses %s', (_name, input, field, reason) => {
    expect(readReferrersIndex(input)).toMatchObject({ ok: false, field, reason });
  });
});

describe('referrersIndexWith', () => {
  it('keeps every existing entry in place and appends each new digest once', () => {
    const existing = readReferrersIndex(
      bytes({ schemaVersion: 2, annotations: { keep: 'me' }, manifests: [desc(A), desc(B)] }),
    );
    if (!existing.ok) throw new Error('fixture');
    const next = referrersIndexWith(existing, [desc(B), desc(C), desc(C)]);
    expect(next.changed).toBe(true);
    expect(next.manifests.map((d) => d.digest)).toEqual([A, B, C]);
    expect(JSON.parse(new TextDecoder().decode(next.bytes))).toMatchObject({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      annotations: { keep: 'me' },
    });
  });

  it('is unchanged when every digest is already listed, and new without an index', () => {
    const existing = readReferrersIndex(bytes({ manifests: [desc(A)] }));
    if (!existing.ok) throw new Error('fixture');
    expect(referrersIndexWith(existing, [desc(A)]).changed).toBe(false);
    expect(referrersIndexWith(undefined, [desc(A)])).toMatchObject({
      changed: true,
      manifests: [desc(A)],
    });
  });
});

describe('the types of a referrer', () => {
  it.each([
    [
      { artifactType: 'application/spdx+json', config: { mediaType: 'x' } },
      'application/spdx+json',
      ['application/spdx+json'],
    ],
    [
      {
        config: { mediaType: 'application/vnd.oci.image.config.v1+json' },
        layers: [{ mediaType: COSIGN_SIMPLESIGNING }],
      },
      'application/vnd.oci.image.config.v1+json',
      ['application/vnd.oci.image.config.v1+json', COSIGN_SIMPLESIGNING],
    ],
    [{}, undefined, []],
    ['not an object', undefined, []],
  ])('%j', (doc, artifactType, types) => {
    expect(artifactTypeOf(doc)).toBe(artifactType);
    expect(typesOfManifest(doc)).toEqual(types);
  });
});
