import { describe, expect, it } from 'vitest';
import {
  InvalidManifestListError,
  type InvalidManifestListReason,
} from '../../../src/errors/invalid-manifest-list-error.js';
import { isValidDigest } from '../../../src/manifest/digest.js';
import {
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  OCI_IMAGE_INDEX,
} from '../../../src/manifest/media-types.js';
import { parseManifestList } from '../../../src/manifest/parse.js';
import { attestation, digest, image, list, sharesNothing } from '../../support/fixtures.js';

function refusal(input: unknown): InvalidManifestListError {
  try {
    parseManifestList(input as object);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidManifestListError);
    return error as InvalidManifestListError;
  }
  throw new Error('parseManifestList accepted the input');
}

function expectRefused(input: unknown, reason: InvalidManifestListReason, field: string): void {
  const error = refusal(input);
  expect(error.reason).toBe(reason);
  expect(error.field).toBe(field);
  expect(error.code).toBe('INVALID_MANIFEST_LIST');
}

const valid = () =>
  list([image('amd64', 'a'), image('arm64', 'b')], { 'x-unknown': { nested: [1, 2] } });

describe('parseManifestList refuses', () => {
  it('invalid JSON, bad UTF-8 and non-objects', () => {
    expectRefused('{"schemaVersion": 2,', 'invalid-json', '');
    expectRefused(new Uint8Array([0x7b, 0xff, 0x7d]), 'invalid-json', '');
    expectRefused('[]', 'not-an-object', '');
    expectRefused('null', 'not-an-object', '');
    expectRefused('"text"', 'not-an-object', '');
  });

  it('a single-image manifest', () => {
    const manifest = {
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST,
      config: {
        mediaType: 'application/vnd.docker.container.image.v1+json',
        digest: digest('c'),
        size: 1,
      },
      layers: [],
    };
    const error = refusal(manifest);
    expect(error.reason).toBe('not-a-list');
    expect(error.field).toBe('manifests');
    expect(error.message).toContain(DOCKER_MANIFEST);
  });

  it('a schema-1 manifest and other schema versions', () => {
    expectRefused(
      { schemaVersion: 1, name: 'x', tag: 'y', fsLayers: [] },
      'not-a-list',
      'manifests',
    );
    expectRefused({ ...valid(), schemaVersion: 1 }, 'schema-version', 'schemaVersion');
    expectRefused({ ...valid(), schemaVersion: '2' }, 'schema-version', 'schemaVersion');
    expectRefused({ manifests: [] }, 'schema-version', 'schemaVersion');
  });

  it('a media type that is not a list', () => {
    expectRefused({ ...valid(), mediaType: DOCKER_MANIFEST }, 'not-a-list', 'mediaType');
    expectRefused({ ...valid(), mediaType: 'nonsense' }, 'media-type', 'mediaType');
    expectRefused({ ...valid(), mediaType: 42 }, 'media-type', 'mediaType');
  });

  it('manifests that are not an array', () => {
    expectRefused({ schemaVersion: 2, manifests: {} }, 'not-a-list', 'manifests');
  });

  it('a descriptor with a bad digest, size or mediaType', () => {
    const bad = (patch: Record<string, unknown>) => {
      const l = valid();
      Object.assign(l.manifests[1] as object, patch);
      return l;
    };
    expectRefused(bad({ digest: 'sha256:abc' }), 'invalid-descriptor', 'manifests[1].digest');
    expectRefused(
      bad({ digest: `sha256:${'A'.repeat(64)}` }),
      'invalid-descriptor',
      'manifests[1].digest',
    );
    expectRefused(bad({ digest: undefined }), 'invalid-descriptor', 'manifests[1].digest');
    expectRefused(bad({ size: -1 }), 'invalid-descriptor', 'manifests[1].size');
    expectRefused(bad({ size: 1.5 }), 'invalid-descriptor', 'manifests[1].size');
    expectRefused(bad({ size: '528' }), 'invalid-descriptor', 'manifests[1].size');
    expectRefused(bad({ mediaType: 'no slash' }), 'invalid-descriptor', 'manifests[1].mediaType');
    expectRefused(bad({ annotations: { a: 1 } }), 'invalid-descriptor', 'manifests[1].annotations');
    expectRefused({ schemaVersion: 2, manifests: [null] }, 'invalid-descriptor', 'manifests[0]');
  });

  it('a malformed platform', () => {
    const l = valid();
    (l.manifests[0] as { platform: unknown }).platform = { os: 'linux' };
    expectRefused(l, 'invalid-platform', 'manifests[0].platform.architecture');
    (l.manifests[0] as { platform: unknown }).platform = 'linux/amd64';
    expectRefused(l, 'invalid-platform', 'manifests[0].platform');
    (l.manifests[0] as { platform: unknown }).platform = {
      os: 'linux',
      architecture: 'arm',
      variant: 7,
    };
    expectRefused(l, 'invalid-platform', 'manifests[0].platform.variant');
    (l.manifests[0] as { platform: unknown }).platform = {
      os: 'w',
      architecture: 'a',
      features: [1],
    };
    expectRefused(l, 'invalid-platform', 'manifests[0].platform.features');
  });

  it('duplicate platforms, normalised ones included', () => {
    expectRefused(
      list([image('amd64', 'a'), image('amd64', 'b')]),
      'duplicate-platform',
      'manifests[1].platform',
    );
    expectRefused(
      list([image('s390x', 's'), image('linux/arm64', 'a'), image('linux/aarch64', 'b')]),
      'duplicate-platform',
      'manifests[2].platform',
    );
    expectRefused(
      list([image('linux/arm', 'a'), image('linux/arm/v7', 'b')]),
      'duplicate-platform',
      'manifests[1].platform',
    );
  });
});

describe('JSON nesting depth (64 levels, the top object included)', () => {
  /** A valid list whose unknown field `x-deep` holds `arrays` nested arrays. */
  const nested = (arrays: number): string =>
    JSON.stringify(valid()).replace(/}$/, `,"x-deep":${'['.repeat(arrays)}${']'.repeat(arrays)}}`);
  it.each([
    ['63 nested arrays (64 levels)', nested(63), true],
    ['64 nested arrays (65 levels)', nested(64), false],
    ['200k nested arrays', nested(200_000), false],
    ['200k nested objects', `${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}`, false],
    [
      'brackets inside strings',
      JSON.stringify(valid()).replace(/}$/, `,"x":"${'['.repeat(100)}\\"${'{'.repeat(100)}"}`),
      true,
    ],
  ])('%s', (_name, text, accepted) => {
    if (accepted) expect(parseManifestList(text).manifests).toHaveLength(2);
    else expectRefused(text, 'too-deep', '');
  });
  it('checks bytes and objects too', () => {
    expectRefused(new TextEncoder().encode(nested(100)), 'too-deep', '');
    expectRefused(JSON.parse(nested(100)), 'too-deep', '');
  });
});

describe('parseManifestList accepts', () => {
  it('attestations and platform-less entries without calling them duplicates', () => {
    const a = image('amd64', 'a');
    const b = image('arm64', 'b');
    const l = list([a, attestation(a.digest, 'att-a'), b, attestation(b.digest, 'att-b')]);
    l.manifests.push({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: digest('x'),
      size: 2,
    });
    l.manifests.push({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: digest('y'),
      size: 2,
    });
    expect(parseManifestList(l).manifests).toHaveLength(6);
  });

  it('variants and Windows versions as distinct platforms', () => {
    const l = list([
      image('linux/arm/v6', 'a'),
      image('linux/arm/v7', 'b'),
      image('windows/amd64', 'c', { 'os.version': '10.0.17763.1' }),
      image('windows/amd64', 'd', { 'os.version': '10.0.20348.1' }),
      image('linux/amd64', 'e'),
    ]);
    expect(parseManifestList(l).manifests).toHaveLength(5);
  });

  it('bytes, ArrayBuffer, string and object alike', () => {
    const l = valid();
    const text = JSON.stringify(l);
    const bytes = new TextEncoder().encode(text);
    for (const input of [l, text, bytes, bytes.buffer, Buffer.from(text)]) {
      expect(parseManifestList(input)).toStrictEqual(l);
    }
  });

  it('OCI indexes with annotations, subject and artifactType', () => {
    const l = list([image('amd64', 'a')], {
      mediaType: OCI_IMAGE_INDEX,
      artifactType: 'application/vnd.example+json',
      annotations: { 'org.opencontainers.image.created': 'now' },
      subject: { mediaType: DOCKER_MANIFEST_LIST, digest: digest('s'), size: 10 },
    });
    expect(parseManifestList(l)).toStrictEqual(l);
    expectRefused(
      { ...l, subject: { mediaType: DOCKER_MANIFEST_LIST, size: 1 } },
      'invalid-descriptor',
      'subject.digest',
    );
  });

  it('keeps unknown fields at every level', () => {
    const l = valid();
    (l.manifests[0] as Record<string, unknown>)['x-entry'] = 'kept';
    (l.manifests[0]?.platform as Record<string, unknown>)['x-platform'] = ['kept'];
    const parsed = parseManifestList(JSON.stringify(l));
    expect(parsed['x-unknown']).toEqual({ nested: [1, 2] });
    expect(parsed.manifests[0]?.['x-entry']).toBe('kept');
    expect(parsed.manifests[0]?.platform?.['x-platform']).toEqual(['kept']);
  });

  it('returns a copy that shares nothing with the input object', () => {
    const l = valid();
    const parsed = parseManifestList(l);
    expect(parsed).toStrictEqual(l);
    expect(sharesNothing(parsed, l)).toBe(true);
  });
});

describe('isValidDigest', () => {
  it('checks sha256 and sha512 lengths and hex, and the general grammar', () => {
    expect(isValidDigest(digest('a'))).toBe(true);
    expect(isValidDigest(`sha512:${'a'.repeat(128)}`)).toBe(true);
    expect(isValidDigest(`sha512:${'a'.repeat(64)}`)).toBe(false);
    expect(isValidDigest('multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8')).toBe(
      true,
    );
    expect(isValidDigest('sha256')).toBe(false);
    expect(isValidDigest(42)).toBe(false);
  });
});
