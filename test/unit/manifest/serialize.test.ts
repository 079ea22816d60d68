import { describe, expect, it } from 'vitest';
import { InvalidDigestError } from '../../../src/errors/index.js';
import { OCI_IMAGE_INDEX } from '../../../src/manifest/media-types.js';
import { parseManifestList } from '../../../src/manifest/parse.js';
import { computeDigest, serializeManifestList } from '../../../src/manifest/serialize.js';
import type { ManifestList } from '../../../src/manifest/types.js';
import { image, list } from '../../support/fixtures.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('serializeManifestList', () => {
  it('writes compact JSON with the fields in spec order', () => {
    const scrambled = {
      manifests: [
        {
          platform: { variant: 'v7', os: 'linux', architecture: 'arm' },
          size: 7,
          'x-extra': 1,
          digest: `sha256:${'a'.repeat(64)}`,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
        },
      ],
      'x-top': true,
      mediaType: OCI_IMAGE_INDEX,
      schemaVersion: 2,
    } as unknown as ManifestList;
    expect(text(serializeManifestList(scrambled))).toBe(
      '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[' +
        `{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:${'a'.repeat(64)}","size":7,` +
        '"platform":{"architecture":"arm","os":"linux","variant":"v7"},"x-extra":1}],"x-top":true}',
    );
  });

  it('gives the same bytes for the same list, whatever its key order', () => {
    const l = list([image('amd64', 'a'), image('linux/arm/v7', 'b')]);
    const reordered = JSON.parse(
      JSON.stringify({ manifests: l.manifests, mediaType: l.mediaType, schemaVersion: 2 }),
    );
    expect(serializeManifestList(reordered)).toEqual(serializeManifestList(l));
    expect(serializeManifestList(l)).toEqual(serializeManifestList(structuredClone(l)));
  });

  it('drops undefined fields and round-trips through parseManifestList', () => {
    const l = list([image('amd64', 'a')], { annotations: undefined, 'x-keep': [1] });
    const bytes = serializeManifestList(l);
    expect(text(bytes)).not.toContain('annotations');
    expect(parseManifestList(bytes)).toStrictEqual(JSON.parse(JSON.stringify(l)));
  });

  it('keeps unknown fields named like Object.prototype members', () => {
    const source =
      '{"schemaVersion":2,"manifests":[],"__proto__":{"x":1},"constructor":"c","toString":"t"}';
    const parsed = parseManifestList(source);
    expect(text(serializeManifestList(parsed))).toBe(source);
  });
});

describe('computeDigest', () => {
  it('is sha256 of the exact bytes', () => {
    expect(computeDigest(new TextEncoder().encode('{}'))).toBe(
      'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
    );
    expect(computeDigest('')).toBe(
      'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    const l: ManifestList = { schemaVersion: 2, mediaType: OCI_IMAGE_INDEX, manifests: [] };
    expect(computeDigest(serializeManifestList(l))).toBe(
      'sha256:dff9de10919148711140d349bf03f1a99eb06f94b03e51715ccebfa7cdc518e2',
    );
  });

  it.each([
    ['{}', 'sha256', /^sha256:44136fa3/],
    ['{}', 'sha512', /^sha512:27c74670/],
    ['{}', `sha512:${'0'.repeat(128)}`, /^sha512:27c74670/],
  ])('computeDigest(%s, %s)', (bytes, algorithm, expected) => {
    expect(computeDigest(bytes, algorithm)).toMatch(expected);
  });

  it('computeDigest refuses an unknown algorithm with a typed error', () => {
    expect(() => computeDigest('{}', 'md5')).toThrow(InvalidDigestError);
  });
});
