import type { ReadonlyDeep } from 'type-fest';
import { attestedDigest, formatPlatform, type MatchMode } from '../manifest/platform.js';
import type { ManifestDescriptor, ManifestList } from '../manifest/types.js';
import { deepCopy } from './copy.js';
import { entryKind, imageKey, type ReadonlyEntry } from './entries.js';

/**
 * What one writer put into a tag and must still find there: an image entry (matched by its
 * platform key) with the attestations that describe it, or an entry without a platform
 * (matched by digest).
 */
export interface Contribution {
  /** The platform key, or `digest:<digest>` for an entry without a platform. */
  readonly key: string;
  /** The entry as pushed. */
  readonly entry: ReadonlyEntry;
  /** Attestation entries of `entry`, as pushed. */
  readonly attestations: readonly ReadonlyEntry[];
  /** A readable name: `linux/arm64`, or the digest. */
  readonly platform: string;
  /**
   * Digests that, found under `key`, mean the contribution was overwritten by a writer that
   * read an older tag (the entry this contribution replaced), not superseded by a newer one.
   */
  readonly stale: ReadonlySet<string>;
}

function keyOf(entry: ReadonlyEntry, match: MatchMode): string | undefined {
  const kind = entryKind(entry);
  if (kind === 'attestation') return undefined;
  return kind === 'image' ? imageKey(entry, match) : `digest:${entry.digest}`;
}

/** The first entry per key of `list` (attestations have none). */
function byKey(list: ReadonlyDeep<ManifestList>, match: MatchMode): Map<string, ReadonlyEntry> {
  const out = new Map<string, ReadonlyEntry>();
  for (const entry of list.manifests) {
    const key = keyOf(entry, match);
    if (key !== undefined && !out.has(key)) out.set(key, entry);
  }
  return out;
}

function attestationsOf(list: ReadonlyDeep<ManifestList>, digest: string): ReadonlyEntry[] {
  return list.manifests.filter((e) => attestedDigest(e) === digest);
}

/**
 * The contributions of `pushed` that differ from `base` (the tag the list was computed from):
 * each entry whose key `base` lacks or holds with another digest, restricted to the entries
 * `from` holds when given (a writer's own source). `exclude` leaves out keys.
 *
 * @example
 * ```ts
 * // What this merge added or replaced, and must find in the tag afterwards:
 * const mine = contributionsOf(merged, { base: dest, from: src });
 * ```
 */
export function contributionsOf(
  pushed: ReadonlyDeep<ManifestList>,
  options: {
    base?: ReadonlyDeep<ManifestList> | undefined;
    from?: ReadonlyDeep<ManifestList> | undefined;
    exclude?: ReadonlySet<string>;
    match?: MatchMode;
  } = {},
): Contribution[] {
  const match = options.match ?? 'platform';
  const base = options.base ? byKey(options.base, match) : new Map<string, ReadonlyEntry>();
  const fromDigests = options.from ? new Set(options.from.manifests.map((e) => e.digest)) : null;
  const out: Contribution[] = [];
  for (const [key, entry] of byKey(pushed, match)) {
    if (options.exclude?.has(key)) continue;
    if (fromDigests && !fromDigests.has(entry.digest)) continue;
    const before = base.get(key);
    if (before?.digest === entry.digest) continue;
    out.push({
      key,
      entry,
      attestations: attestationsOf(pushed, entry.digest),
      platform: formatPlatform(entry),
      stale: new Set(before ? [before.digest] : []),
    });
  }
  return out;
}

/**
 * The contributions `current` no longer carries: the key is gone, holds a digest the
 * contribution replaced (`stale`), or holds the contribution without all its attestations. A
 * key holding any other digest was superseded by another writer's own entry: not lost.
 *
 * @example
 * ```ts
 * const lost = lostContributions(tagNow, mine);
 * if (lost.length > 0) console.log('overwritten:', lost.map((c) => c.platform));
 * ```
 */
export function lostContributions(
  current: ReadonlyDeep<ManifestList> | undefined,
  contributions: readonly Contribution[],
  match: MatchMode = 'platform',
): Contribution[] {
  if (current === undefined) return [...contributions];
  const now = byKey(current, match);
  const digests = new Set(current.manifests.map((e) => e.digest));
  return contributions.filter((c) => {
    const found = now.get(c.key);
    if (found === undefined) return true;
    if (found.digest !== c.entry.digest) return c.stale.has(found.digest);
    return c.attestations.some((a) => !digests.has(a.digest));
  });
}

/**
 * `current` with each of `lost` put back: in place of the entry now under its key (and that
 * entry's attestations), else appended. Top-level fields stay `current`'s. Pure: shares no
 * objects with its inputs.
 *
 * @example
 * ```ts
 * const repaired = restoreContributions(tagNow, lostContributions(tagNow, mine));
 * ```
 */
export function restoreContributions(
  current: ReadonlyDeep<ManifestList>,
  lost: readonly Contribution[],
  match: MatchMode = 'platform',
): ManifestList {
  const list = deepCopy<ManifestList>(current);
  for (const c of lost) {
    const restored = [c.entry, ...c.attestations].map((e) => deepCopy<ManifestDescriptor>(e));
    const replaced = new Set(
      list.manifests.filter((e) => keyOf(e, match) === c.key).map((e) => e.digest),
    );
    const kept: ManifestDescriptor[] = [];
    let insertAt = -1;
    for (const entry of list.manifests) {
      const attested = attestedDigest(entry);
      if (replaced.has(entry.digest) && keyOf(entry, match) === c.key) {
        if (insertAt === -1) insertAt = kept.length;
      } else if (attested === undefined || !replaced.has(attested)) {
        kept.push(entry);
      }
    }
    kept.splice(insertAt === -1 ? kept.length : insertAt, 0, ...restored);
    list.manifests = kept;
  }
  return list;
}

/** `contribution` with more digests counted as stale. */
export function withStale(contribution: Contribution, digests: Iterable<string>): Contribution {
  return { ...contribution, stale: new Set([...contribution.stale, ...digests]) };
}
