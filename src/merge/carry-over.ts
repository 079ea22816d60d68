import type { MatchMode } from '../manifest/platform.js';
import { attestedDigest } from '../manifest/platform.js';
import { entryKind, imageKey, type ReadonlyEntry } from './entries.js';

/**
 * The destination entries a result keeps next to `fromSource` (the source entries the result
 * holds), in destination order. The one rule both modes share:
 *
 * - an image is kept when no source entry in the result has its key;
 * - an attestation is kept when the image it names (by digest) is in the result, from either
 *   side, and the result does not already hold an entry with its digest;
 * - an artifact (no platform) is kept unless the result already holds an entry with its
 *   digest.
 *
 * Returns the destination's own objects: callers copy them.
 */
export function carriedOver(
  fromSource: readonly ReadonlyEntry[],
  destination: readonly ReadonlyEntry[],
  match: MatchMode,
): ReadonlyEntry[] {
  const sourceKeys = new Set<string>();
  const imageDigests = new Set<string>();
  const digests = new Set<string>();
  for (const entry of fromSource) {
    digests.add(entry.digest);
    const key = imageKey(entry, match);
    if (key === undefined) continue;
    sourceKeys.add(key);
    imageDigests.add(entry.digest);
  }
  const keptImages = new Set<ReadonlyEntry>();
  for (const entry of destination) {
    const key = imageKey(entry, match);
    if (key !== undefined && !sourceKeys.has(key)) {
      keptImages.add(entry);
      imageDigests.add(entry.digest);
    }
  }
  const kept: ReadonlyEntry[] = [];
  for (const entry of destination) {
    if (keptImages.has(entry)) {
      kept.push(entry);
      digests.add(entry.digest);
      continue;
    }
    const kind = entryKind(entry);
    if (kind === 'image') continue;
    if (kind === 'attestation' && !imageDigests.has(attestedDigest(entry) as string)) continue;
    if (digests.has(entry.digest)) continue;
    digests.add(entry.digest);
    kept.push(entry);
  }
  return kept;
}
