import type { ReadonlyDeep } from 'type-fest';
import type { DuplicatedPlatform } from '../errors/duplicate-platform-error.js';
import { attestedDigest, formatPlatform } from '../manifest/platform.js';
import type { ManifestDescriptor, ManifestList } from '../manifest/types.js';
import { deepCopy } from './copy.js';
import { imageKey } from './entries.js';

/**
 * The platforms `list` names more than once (by normalised platform key, as
 * `match: 'platform'` compares them), in list order, each with the indexes of all its
 * entries. Attestations and entries without a platform are never duplicates.
 *
 * @example
 * ```ts
 * duplicatePlatforms(list); // [{ platform: 'linux/amd64', indexes: [0, 3] }]
 * ```
 */
export function duplicatePlatforms(list: ReadonlyDeep<ManifestList>): DuplicatedPlatform[] {
  const byKey = new Map<string, DuplicatedPlatform>();
  list.manifests.forEach((entry, index) => {
    const key = imageKey(entry, 'platform');
    if (key === undefined) return;
    const seen = byKey.get(key);
    if (seen) seen.indexes.push(index);
    else byKey.set(key, { platform: formatPlatform(entry), indexes: [index] });
  });
  return [...byKey.values()].filter((d) => d.indexes.length > 1);
}

/**
 * `list` with each platform's first entry only (the one a runtime picks), and the
 * attestations of the entries dropped, unless an entry kept has the same digest. Top-level
 * fields are kept. Pure: the result shares nothing with `list`.
 *
 * @example
 * ```ts
 * const { list: repaired, dropped } = collapseDuplicates(peerBrokenList);
 * ```
 */
export function collapseDuplicates(list: ReadonlyDeep<ManifestList>): {
  list: ManifestList;
  dropped: ManifestDescriptor[];
} {
  const seen = new Set<string>();
  const droppedImages = new Set<ReadonlyDeep<ManifestDescriptor>>();
  for (const entry of list.manifests) {
    const key = imageKey(entry, 'platform');
    if (key === undefined) continue;
    if (seen.has(key)) droppedImages.add(entry);
    else seen.add(key);
  }
  const keptDigests = new Set(
    list.manifests.filter((e) => !droppedImages.has(e)).map((e) => e.digest),
  );
  const droppedDigests = new Set(
    [...droppedImages].map((e) => e.digest).filter((d) => !keptDigests.has(d)),
  );
  const out = deepCopy<ManifestList>(list);
  const dropped: ManifestDescriptor[] = [];
  out.manifests = [];
  for (const entry of list.manifests) {
    const attested = attestedDigest(entry);
    const drop =
      droppedImages.has(entry) || (attested !== undefined && droppedDigests.has(attested));
    (drop ? dropped : out.manifests).push(deepCopy<ManifestDescriptor>(entry));
  }
  return { list: out, dropped };
}
