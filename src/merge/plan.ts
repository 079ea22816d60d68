import type { ReadonlyDeep } from 'type-fest';
import { attestedDigest, formatPlatform, platformKey } from '../manifest/platform.js';
import type { ManifestList } from '../manifest/types.js';
import { type EntryKind, entryKind, imageKey, type ReadonlyEntry } from './entries.js';
import type { MergeOptions } from './options.js';

/** One entry of a {@link MergePlan}. */
export interface PlannedEntry {
  /**
   * A readable name: the platform ({@link formatPlatform}: `linux/arm/v7`,
   * `windows/amd64 10.0.17763.1879`) for an image; `attestation of linux/amd64` (or `of` the
   * image digest when the image is in none of the lists) for an attestation; the digest for
   * an entry without a platform.
   */
  platform: string;
  /** The entry's digest. */
  digest: string;
  /** What the entry is: filter on `kind === 'image'` to report platforms only. */
  kind: EntryKind;
}

/** A source entry that took the place of a destination entry of the same key. */
export interface ReplacedEntry extends PlannedEntry {
  /** The digest of the destination entry it replaces. */
  previousDigest: string;
}

/**
 * What a merge does to the destination, for reports and logs. Every entry of the result is
 * in exactly one of `added`, `replaced`, `kept`; every destination entry is either `kept`,
 * named as a `previousDigest` in `replaced`, or `removed`.
 *
 * @example
 * ```ts
 * const plan: MergePlan = describeMerge(src, dest, merged);
 * const platforms = plan.added.filter((e) => e.kind === 'image').map((e) => e.platform);
 * ```
 */
export interface MergePlan {
  /** Result entries from the source that the destination lacked (by key; by digest for attestations and artifacts). */
  added: PlannedEntry[];
  /** Result images from the source whose key the destination had with another digest. */
  replaced: ReplacedEntry[];
  /** Destination entries present in the result unchanged (same digest and platform), whichever side supplied them. */
  kept: PlannedEntry[];
  /** Destination entries not in the result and not replaced: the attestations of replaced images, and what `match: 'architecture'` loses. */
  removed: PlannedEntry[];
}

/**
 * Classifies a merge's result against its inputs: which entries are `added`, `replaced`,
 * `kept` and `removed` (see {@link MergePlan}). Images are compared by key
 * ({@link MergeOptions.match}) and digest; attestations and entries without a platform by
 * digest. An entry is "the same" when its digest and normalised platform are the same.
 * Attestations and artifacts are reported too, with their {@link PlannedEntry.kind}.
 *
 * `replaced[].previousDigest` is the destination entry of the same normalised platform when
 * there is one, else the first destination entry of the same key (with `match:
 * 'architecture'`, `arm/v7` replacing `arm/v6` and `arm/v7` reports `arm/v7` replaced and
 * `arm/v6` removed).
 *
 * Pure; never mutates its inputs.
 *
 * @param src - the source list.
 * @param dest - the destination list, `undefined` when it does not exist (all is `added`).
 * @param result - the merged list.
 * @param options - {@link MergeOptions}: pass the same as to the merge.
 *
 * @example
 * ```ts
 * const merged = selectArchitectures(src, dest, ['amd64']);
 * const plan = describeMerge(src, dest, merged);
 * for (const r of plan.replaced) console.log(`${r.platform}: ${r.previousDigest} → ${r.digest}`);
 * ```
 */
export function describeMerge(
  src: ReadonlyDeep<ManifestList>,
  dest: ReadonlyDeep<ManifestList> | undefined,
  result: ReadonlyDeep<ManifestList>,
  options: MergeOptions = {},
): MergePlan {
  const match = options.match ?? 'platform';
  const destEntries: readonly ReadonlyEntry[] = dest?.manifests ?? [];
  const destById = new Map<string, ReadonlyEntry>();
  const destByKey = new Map<string, ReadonlyEntry[]>();
  for (const entry of destEntries) {
    if (!destById.has(identity(entry))) destById.set(identity(entry), entry);
    const key = imageKey(entry, match);
    if (key === undefined) continue;
    destByKey.set(key, [...(destByKey.get(key) ?? []), entry]);
  }
  const images = new Map<string, ReadonlyEntry>();
  for (const entry of [...src.manifests, ...destEntries, ...result.manifests]) {
    if (entryKind(entry) === 'image' && !images.has(entry.digest)) images.set(entry.digest, entry);
  }
  const describe = (entry: ReadonlyEntry): PlannedEntry => {
    const kind = entryKind(entry);
    let platform = formatPlatform(entry);
    if (kind === 'attestation') {
      const of = attestedDigest(entry) as string;
      const image = images.get(of);
      platform = `attestation of ${image ? formatPlatform(image) : of}`;
    }
    return { platform, digest: entry.digest, kind };
  };

  const plan: MergePlan = { added: [], replaced: [], kept: [], removed: [] };
  const accounted = new Set<ReadonlyEntry>();
  for (const entry of result.manifests) {
    const same = destById.get(identity(entry));
    if (same !== undefined) {
      accounted.add(same);
      plan.kept.push(describe(entry));
      continue;
    }
    const key = imageKey(entry, match);
    const candidates = key === undefined ? undefined : destByKey.get(key);
    if (candidates === undefined || candidates.length === 0) {
      plan.added.push(describe(entry));
      continue;
    }
    const platform = platformKey(entry.platform);
    const previous =
      candidates.find((candidate) => platformKey(candidate.platform) === platform) ??
      (candidates[0] as ReadonlyEntry);
    accounted.add(previous);
    plan.replaced.push({ ...describe(entry), previousDigest: previous.digest });
  }
  for (const entry of destEntries) {
    if (!accounted.has(entry)) plan.removed.push(describe(entry));
  }
  return plan;
}

/** What makes two entries "the same": kind, digest and, for images, the normalised platform. */
function identity(entry: ReadonlyEntry): string {
  const kind = entryKind(entry);
  return kind === 'image'
    ? `${entry.digest} ${platformKey(entry.platform)}`
    : `${kind} ${entry.digest}`;
}
