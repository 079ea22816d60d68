// What a children copy refuses to follow (src/publish/child-manifest.ts), over the in-memory
// client: child manifests that match their digest but are not manifests. Nothing is pushed.
import { describe, expect, it } from 'vitest';
import {
  computeDigest,
  InMemoryRegistryClient,
  InvalidChildManifestError,
} from '../../../src/index.js';
import {
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  OCI_IMAGE_INDEX,
} from '../../../src/manifest/media-types.js';
import { BUILD, DEST, lists, merge, storeChild, writes } from '../../support/merges.js';

describe('a child manifest that matches its digest but is not a manifest', () => {
  const deep = `{"schemaVersion":2,"x":${'['.repeat(100)}${']'.repeat(100)}}`;
  it.each([
    ['null', 'null', DOCKER_MANIFEST, 'not-an-object', ''],
    ['an array', '[1]', DOCKER_MANIFEST, 'not-an-object', ''],
    ['not JSON', 'this is not JSON', DOCKER_MANIFEST, 'invalid-json', ''],
    ['not UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), DOCKER_MANIFEST, 'invalid-json', ''],
    [
      'layers: 5',
      '{"schemaVersion":2,"layers":5}',
      DOCKER_MANIFEST,
      'invalid-descriptor',
      'layers',
    ],
    [
      'config: 5',
      '{"schemaVersion":2,"config":5}',
      DOCKER_MANIFEST,
      'invalid-descriptor',
      'config',
    ],
    [
      'a layer without a digest',
      '{"schemaVersion":2,"layers":[{"size":1}]}',
      DOCKER_MANIFEST,
      'invalid-descriptor',
      'layers[0].digest',
    ],
    [
      'a layer with a bad urls',
      `{"layers":[{"digest":"${computeDigest('l')}","urls":"x"}]}`,
      DOCKER_MANIFEST,
      'invalid-descriptor',
      'layers[0].urls',
    ],
    [
      'an index with manifests: 5',
      '{"manifests":5}',
      OCI_IMAGE_INDEX,
      'invalid-descriptor',
      'manifests',
    ],
    [
      'an index type with manifests: null',
      '{"manifests":null}',
      DOCKER_MANIFEST_LIST,
      'invalid-descriptor',
      'manifests',
    ],
    ['nested 100 levels deep', deep, DOCKER_MANIFEST, 'too-deep', ''],
  ] as const)(
    '%s → InvalidChildManifestError, nothing pushed',
    async (_name, bytes, type, reason, field) => {
      const registry = new InMemoryRegistryClient();
      const child = storeChild(registry, bytes, type);
      lists(registry, child);
      const before = registry.resolveTag(DEST);
      const error = await merge(registry).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidChildManifestError);
      expect(error).toMatchObject({ digest: child.digest, image: BUILD, reason, field });
      expect((error as Error).message).not.toContain('this is not JSON');
      expect(writes(registry)).toEqual([]);
      expect(registry.resolveTag(DEST)).toBe(before);
    },
  );
});
