// listsEqual (src/merge/equality.ts): equal as JSON values, key order and undefined aside.
import { describe, expect, it } from 'vitest';
import { OCI_IMAGE_INDEX } from '../../../src/manifest/media-types.js';
import { listsEqual } from '../../../src/merge/equality.js';
import { image, list } from '../../support/fixtures.js';

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
