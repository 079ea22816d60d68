import type { ManifestList } from '../manifest/types.js';
import type { MergePlan } from '../merge/plan.js';
import type { CopyReport } from './children.js';
import type { ReferrersReport, StaleSignatures } from './referrers/report.js';

/**
 * How a merge (or a push of given bytes, `pushManifestList`) ended:
 *
 * - `'pushed'`: the new list was written to the destination tag;
 * - `'unchanged'`: the new list equals the destination's (a push: the tag already holds
 *   exactly those bytes), so nothing was written (`force` pushes anyway);
 * - `'dry-run'`: `dryRun` was set, nothing was written;
 * - `'not-pushed'`: `mergeSelectedArchitectures` without `push`, for a list that differs from
 *   the destination's: it is returned for the caller to sign and upload, as pubtools-quay does
 *   (one equal to the destination's is `'unchanged'`).
 *
 * @example
 * ```ts
 * const { outcome, digest } = await merger.mergeManifestLists();
 * if (outcome === 'unchanged') console.log(`already ${digest}`);
 * ```
 */
export type MergeOutcome = 'pushed' | 'unchanged' | 'dry-run' | 'not-pushed';

/** What a merge resolves to. */
export interface MergeResult {
  /** How the merge ended: pushed, unchanged, a dry run, or not pushed. */
  outcome: MergeOutcome;
  /** The new list. */
  manifestList: ManifestList;
  /** The exact bytes that were (or would be) pushed; the destination's own when unchanged. */
  bytes: Uint8Array;
  /** `sha256:` of `bytes`: what the destination tag resolves to after a push or a no-op. */
  digest: string;
  /** Media type the bytes are pushed under. */
  mediaType: string;
  /**
   * The media type the destination tag held when it was read (a list's, or a single image's);
   * absent when it did not exist. Differs from `mediaType` when the push changes it: a
   * Docker manifest list that becomes an OCI image index, a single image replaced by a list.
   */
  destinationMediaType?: string;
  /**
   * The new list equals the destination's (same entries in the same order, same top-level
   * fields), so a push has nothing to write. Unlike `outcome: 'unchanged'`, this is also told
   * for a dry run (would a real merge push?) and for a push made anyway with `force`.
   */
  unchanged: boolean;
  /**
   * The images and artifacts of the new list taken from the source, in list order: their
   * platforms (`linux/arm64`), or digests for entries without a platform. Attestations are
   * left out. Not the same as `plan.added`, which names what the destination lacked.
   */
  fromSource: string[];
  /**
   * The images and artifacts of the new list kept from the destination, in list order (as
   * `fromSource`).
   */
  fromDestination: string[];
  /**
   * What the merge does to the destination, entry by entry: added (the destination lacked
   * it), replaced, kept and removed, with digests. Attestations and artifacts are included.
   */
  plan: MergePlan;
  /**
   * Digests of the manifests the destination repository lacks: copied by this push, or, for a
   * dry run, to be copied by one. For a `'not-pushed'` result into another repository they are
   * checked (with their referrers) unless `referrers: false`; otherwise not checked (empty):
   * ask with `dryRun: true` to know before uploading it yourself.
   */
  childrenToCopy: string[];
  /** What the children copy did (absent when nothing was copied). */
  copy?: CopyReport;
  /**
   * The referrers (signatures, attestations, SBOMs) of the manifests copied into the
   * destination repository, and of the list itself when its source bytes were pushed
   * there: copied with them, or, for a dry run and a `'not-pushed'` result, to be copied by
   * a push. Absent when nothing was copied (or would be), and with `referrers: false`.
   */
  referrers?: ReferrersReport;
  /**
   * The signatures and attestations of the list this merge replaced in the destination tag
   * (for a dry run: would replace). They sign the old list's bytes, not the new list's, and
   * are never copied onto it: sign `digest`. Absent when the tag did not change, was new,
   * the old list had none, for a `'not-pushed'` result, and with `referrers: false`.
   */
  staleSignatures?: StaleSignatures;
  /** Read-merge-write rounds used (more than 1 when another writer moved the tag). */
  attempts: number;
  /**
   * The digest the destination tag held in the read the new list was computed from (a push:
   * the read its bytes replace); `null` when the tag did not exist. What to pass as
   * `expectDestinationDigest` (CLI `push --expect-dest`) when the list is pushed later.
   */
  destinationDigest: string | null;
  /**
   * What the merge found worth telling but not worth failing for, one sentence each: a
   * destination with duplicate platforms (collapsed to the first entry of each; the others
   * are in `plan.removed`), an eligible architecture the source lacks, a `platform` option
   * a single image's config overrode. Empty when there is nothing to say. Returned, not
   * logged (the CLI prints each on stderr).
   *
   * @example
   * ```ts
   * const result = await merger.mergeSelectedArchitectures(['amd64', 's390x'], { push: true });
   * for (const line of result.warnings) console.warn(line);
   * ```
   */
  warnings: string[];
  /**
   * How the push was made sure of against other writers; absent when nothing was pushed, with
   * `soleWriter`, and after a `newDestination` push to a tag these credentials could not read.
   */
  verification?: PushVerification;
}

/** How a push was verified against other writers (see docs/publishing.md). */
export interface PushVerification {
  /** The settle window waited after the last PUT, in ms. */
  settleMs: number;
  /** Reads of the tag made while a slow PUT was in flight. */
  polls: number;
  /** Lists of other writers seen in the tag while our PUT was in flight. */
  otherWriters: number;
  /** Platforms (ours or another writer's) put back after a writer overwrote them. */
  restored: string[];
}
