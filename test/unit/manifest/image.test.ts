// Single-image manifests: recognising one, the platform of its config, its one-entry list.
import { describe, expect, it } from 'vitest';
import {
  listOfImage,
  platformOfConfig,
  type SingleImage,
  singleImageOf,
} from '../../../src/manifest/image.js';
import {
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  OCI_IMAGE_INDEX,
  OCI_IMAGE_MANIFEST,
} from '../../../src/manifest/media-types.js';
import { computeDigest } from '../../../src/manifest/serialize.js';
import type { FetchedManifest } from '../../../src/manifest/types.js';
import { digest } from '../../support/fixtures.js';

const CONFIG = {
  mediaType: 'application/vnd.oci.image.config.v1+json',
  digest: digest('c'),
  size: 7,
};

function fetched(doc: unknown, contentType: string): FetchedManifest {
  const bytes = new TextEncoder().encode(typeof doc === 'string' ? doc : JSON.stringify(doc));
  return { bytes, mediaType: contentType, digest: computeDigest(bytes) };
}

const bytesOf = (doc: unknown) => new TextEncoder().encode(JSON.stringify(doc));

describe('singleImageOf', () => {
  it.each([
    [
      'a Docker v2s2 manifest',
      { schemaVersion: 2, mediaType: DOCKER_MANIFEST, config: CONFIG, layers: [] },
      DOCKER_MANIFEST,
      DOCKER_MANIFEST,
    ],
    [
      'an OCI image manifest',
      { schemaVersion: 2, mediaType: OCI_IMAGE_MANIFEST, config: CONFIG, layers: [] },
      OCI_IMAGE_MANIFEST,
      OCI_IMAGE_MANIFEST,
    ],
    [
      'an OCI image manifest naming no media type',
      { schemaVersion: 2, config: CONFIG, layers: [] },
      'application/octet-stream',
      OCI_IMAGE_MANIFEST,
    ],
    [
      'a body whose Content-Type has parameters',
      { schemaVersion: 2, config: CONFIG, layers: [] },
      `${DOCKER_MANIFEST}; charset=utf-8`,
      DOCKER_MANIFEST,
    ],
  ])('recognises %s, with its exact digest and size', (_, doc, contentType, mediaType) => {
    const f = fetched(doc, contentType);
    expect(singleImageOf(f)).toStrictEqual({
      mediaType,
      digest: f.digest,
      size: f.bytes.byteLength,
      config: CONFIG,
    });
  });

  it.each([
    [
      'a list',
      { schemaVersion: 2, mediaType: DOCKER_MANIFEST_LIST, manifests: [] },
      DOCKER_MANIFEST_LIST,
    ],
    [
      'an index naming an image type but holding manifests',
      { schemaVersion: 2, mediaType: OCI_IMAGE_MANIFEST, manifests: [] },
      OCI_IMAGE_INDEX,
    ],
    [
      'a schema-1 manifest',
      { schemaVersion: 1, fsLayers: [] },
      'application/vnd.docker.distribution.manifest.v1+prettyjws',
    ],
    ['bytes that are not JSON', '{', OCI_IMAGE_MANIFEST],
    ['JSON that is not an object', '[1]', OCI_IMAGE_MANIFEST],
    [
      'an unknown media type',
      { schemaVersion: 2, mediaType: 'application/x-other', config: CONFIG, layers: [] },
      'application/x-other',
    ],
  ])('is undefined for %s (the list parser names what is wrong)', (_, doc, contentType) => {
    expect(singleImageOf(fetched(doc, contentType))).toBeUndefined();
  });

  it.each([
    ['no config', undefined],
    ['a config without a digest', { mediaType: CONFIG.mediaType, size: 7 }],
    ['a config with a negative size', { ...CONFIG, size: -1 }],
    ['a config that is an array', [CONFIG]],
  ])('keeps an image with %s, its config undefined', (_, config) => {
    const doc = { schemaVersion: 2, mediaType: DOCKER_MANIFEST, config, layers: [] };
    expect(singleImageOf(fetched(doc, DOCKER_MANIFEST))?.config).toBeUndefined();
  });
});

describe('platformOfConfig', () => {
  it('reads os, architecture, variant, os.version and os.features, and nothing else', () => {
    const config = {
      architecture: 'amd64',
      os: 'windows',
      'os.version': '10.0.17763.1879',
      'os.features': ['win32k'],
      variant: 'v3',
      config: { Labels: { a: 'b' } },
      rootfs: { type: 'layers', diff_ids: [] },
    };
    expect(platformOfConfig(bytesOf(config))).toStrictEqual({
      ok: true,
      platform: {
        architecture: 'amd64',
        os: 'windows',
        variant: 'v3',
        'os.version': '10.0.17763.1879',
        'os.features': ['win32k'],
      },
    });
  });

  it('leaves out fields of the wrong type', () => {
    const config = {
      architecture: 'arm',
      os: 'linux',
      variant: 7,
      'os.features': [1],
      'os.version': '',
    };
    expect(platformOfConfig(bytesOf(config))).toStrictEqual({
      ok: true,
      platform: { architecture: 'arm', os: 'linux' },
    });
  });

  it.each([
    ['no os', { architecture: 'arm64' }],
    ['no architecture', { os: 'linux' }],
    ['an empty architecture', { os: 'linux', architecture: '' }],
    ['an architecture that is not a string', { os: 'linux', architecture: 64 }],
    ['the empty config of an artifact', {}],
  ])('names no platform for a config with %s', (_, config) => {
    expect(platformOfConfig(bytesOf(config))).toStrictEqual({ ok: true, platform: undefined });
  });

  it.each([
    ['not JSON', new TextEncoder().encode('{"os":')],
    ['not UTF-8', new Uint8Array([0xff, 0xfe])],
    ['an array', bytesOf([{ os: 'linux', architecture: 'amd64' }])],
  ])('refuses a config that is %s', (_, bytes) => {
    expect(platformOfConfig(bytes)).toMatchObject({ ok: false });
  });
});

describe('listOfImage', () => {
  const image = (mediaType: SingleImage['mediaType']): SingleImage => ({
    mediaType,
    digest: digest('img'),
    size: 428,
    config: CONFIG,
  });

  it.each([
    [DOCKER_MANIFEST, DOCKER_MANIFEST_LIST],
    [OCI_IMAGE_MANIFEST, OCI_IMAGE_INDEX],
  ] as const)('makes a %s one entry of a list of its own family', (mediaType, listType) => {
    const platform = { os: 'linux', architecture: 'arm', variant: 'v7' };
    const list = listOfImage(image(mediaType), platform);
    expect(list).toStrictEqual({
      schemaVersion: 2,
      mediaType: listType,
      manifests: [{ mediaType, digest: digest('img'), size: 428, platform }],
    });
    expect(list.manifests[0]?.platform).not.toBe(platform);
  });
});
