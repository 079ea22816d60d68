// What a publish pushes and what it reports: pure, no client, no clock.
import type { MatchMode } from '../manifest/platform.js';
import { formatPlatform } from '../manifest/platform.js';
import { computeDigest, serializeManifestList } from '../manifest/serialize.js';
import type { FetchedManifest, ManifestList } from '../manifest/types.js';
import { entryKind } from '../merge/entries.js';
import { listsEqual } from '../merge/equality.js';
import { describeMerge, type MergePlan } from '../merge/plan.js';
import type { CopyReport } from './children.js';
import type { CallSettings } from './options.js';
import type { ReferrersReport, StaleSignatures } from './referrers/report.js';
import type { MergeOutcome, MergeResult, PushVerification } from './result.js';

/** One side of a merge as read: its exact bytes, and the list the merge takes. */
export interface Side {
  fetched: FetchedManifest;
  /**
   * The list the merge takes: the bytes parsed, with a destination's duplicate platforms
   * collapsed, or, for a single-image manifest, the one-entry list that stands for it.
   */
  list: ManifestList;
  /** The list the bytes parse to, when `list` is not it (duplicate platforms collapsed). */
  asRead?: ManifestList | undefined;
  /** `fetched` is a single image, not a list: its bytes are never the list's. */
  singleImage?: boolean | undefined;
  /** What reading this side found worth telling (duplicates collapsed, a platform ignored). */
  warnings?: readonly string[] | undefined;
}

/** What a side held as read: the list its bytes parse to (a single image's one-entry list). */
export function listAsRead(side: Side): ManifestList {
  return side.asRead ?? side.list;
}

/** True when `list` is exactly what `side`'s bytes hold, so they may be pushed as its bytes. */
function holdsExactly(side: Side, list: ManifestList): boolean {
  return side.singleImage !== true && listsEqual(list, listAsRead(side));
}

/** The list a push writes: the list, the exact bytes, their digest and media type. */
export interface Planned {
  list: ManifestList;
  bytes: Uint8Array;
  digest: string;
  mediaType: string;
  /** The list equals the destination's: its own bytes are kept. */
  unchanged: boolean;
}

/**
 * What a publish does next with a planned list: stop with an outcome, find the children a
 * push would copy and stop (`'dry-run'`), or push.
 */
export type PublishStep =
  | { next: 'stop'; outcome: Exclude<MergeOutcome, 'pushed'> }
  | { next: 'dry-run' }
  | { next: 'push' };

/** A merged list, planned: what to push, how it changes the destination, and what next. */
export interface PublishPlan {
  planned: Planned;
  plan: MergePlan;
  step: PublishStep;
}

/**
 * The bytes to push for `list`: the destination's own when the list equals it (unchanged),
 * the source's own when it equals the source, else canonical JSON. A list pushed as its
 * source's bytes keeps its digest. Equal means equal to what the bytes hold: a destination
 * whose duplicates were collapsed is not unchanged, and a single image is never a list.
 */
export function chooseBytes(list: ManifestList, src: Side, dest: Side | undefined): Planned {
  const unchanged = dest !== undefined && holdsExactly(dest, list);
  let bytes: Uint8Array;
  let mediaType: string;
  if (unchanged && dest) {
    bytes = dest.fetched.bytes;
    mediaType = dest.fetched.mediaType;
  } else if (holdsExactly(src, list)) {
    bytes = src.fetched.bytes;
    mediaType = src.fetched.mediaType;
  } else {
    bytes = serializeManifestList(list);
    mediaType = list.mediaType ?? src.fetched.mediaType;
  }
  return { list, bytes, digest: computeDigest(bytes), mediaType, unchanged };
}

/**
 * Plans the publish of a merged list: its bytes ({@link chooseBytes}), what it does to the
 * destination (`describeMerge`), and the next step. A list equal to the destination's stops
 * as `'unchanged'` unless `force`; a call that neither pushes nor is a dry run stops as
 * `'not-pushed'` (or `'unchanged'`); a dry run goes on to name the children a push would
 * copy; anything else is pushed.
 *
 * @example
 * ```ts
 * const { planned, step } = planPublish(merged, src, dest, 'platform', call);
 * if (step.next === 'push') await putManifest(dest, planned.bytes, planned.mediaType);
 * ```
 */
export function planPublish(
  merged: ManifestList,
  src: Side,
  dest: Side | undefined,
  match: MatchMode,
  call: Pick<CallSettings, 'push' | 'dryRun' | 'force'>,
): PublishPlan {
  const planned = chooseBytes(merged, src, dest);
  // Against the destination as it was: the duplicates collapsed out of it are `removed`.
  const plan = describeMerge(src.list, dest && listAsRead(dest), merged, { match });
  return { planned, plan, step: stepOf(planned.unchanged, call) };
}

function stepOf(
  unchanged: boolean,
  call: Pick<CallSettings, 'push' | 'dryRun' | 'force'>,
): PublishStep {
  if (unchanged && !call.force) {
    return { next: 'stop', outcome: call.dryRun ? 'dry-run' : 'unchanged' };
  }
  if (!call.push && !call.dryRun) {
    return { next: 'stop', outcome: unchanged ? 'unchanged' : 'not-pushed' };
  }
  return call.dryRun ? { next: 'dry-run' } : { next: 'push' };
}

/** How a publish ended, besides the list: what the result reports. */
export interface PublishReport {
  outcome: MergeOutcome;
  attempts: number;
  /** Manifests the destination lacked: copied, or (a dry run) to be copied. */
  childrenToCopy?: string[];
  /** The reports of every children copy made. */
  copies?: readonly CopyReport[];
  verification?: PushVerification;
  /** The digest of the destination the list was computed from (`null`: absent). @default null */
  destinationDigest?: string | null | undefined;
  /** What the reads and the merge found worth telling. */
  warnings?: readonly string[];
  /** The media type the destination held when first read. */
  destinationMediaType?: string;
  /** What became of the copied manifests' referrers. */
  referrers?: ReferrersReport;
  /** The old list's signatures, which do not cover the new list. */
  staleSignatures?: StaleSignatures;
}

/**
 * The result of a publish: the planned list (as last pushed, when overwritten platforms were
 * put back), the plan of the first merge, and the report.
 */
export function publishResult(
  planned: Planned,
  src: Side,
  plan: MergePlan,
  report: PublishReport,
): MergeResult {
  const copy = mergedCopy(report.copies ?? []);
  return {
    outcome: report.outcome,
    manifestList: planned.list,
    bytes: planned.bytes,
    digest: planned.digest,
    mediaType: planned.mediaType,
    ...(report.destinationMediaType ? { destinationMediaType: report.destinationMediaType } : {}),
    unchanged: planned.unchanged,
    ...namesBySide(src.list, planned.list),
    plan,
    childrenToCopy: report.childrenToCopy ?? [],
    ...(copy ? { copy } : {}),
    ...(report.referrers ? { referrers: report.referrers } : {}),
    ...(report.staleSignatures ? { staleSignatures: report.staleSignatures } : {}),
    attempts: report.attempts,
    destinationDigest: report.destinationDigest ?? null,
    ...(report.verification ? { verification: report.verification } : {}),
    warnings: [...(report.warnings ?? [])],
  };
}

/** Names the list's images and artifacts (not attestations) by the side they came from. */
function namesBySide(
  src: ManifestList,
  list: ManifestList,
): Pick<MergeResult, 'fromSource' | 'fromDestination'> {
  const sourceDigests = new Set(src.manifests.map((d) => d.digest));
  const fromSource: string[] = [];
  const fromDestination: string[] = [];
  for (const entry of list.manifests) {
    if (entryKind(entry) === 'attestation') continue;
    (sourceDigests.has(entry.digest) ? fromSource : fromDestination).push(formatPlatform(entry));
  }
  return { fromSource, fromDestination };
}

/** The copy reports of every attempt as one (`undefined` when nothing was copied). */
function mergedCopy(copies: readonly CopyReport[]): CopyReport | undefined {
  if (copies.length === 0) return undefined;
  return {
    manifests: copies.flatMap((c) => c.manifests),
    mountedBlobs: copies.reduce((n, c) => n + c.mountedBlobs, 0),
    uploadedBlobs: copies.reduce((n, c) => n + c.uploadedBlobs, 0),
    presentBlobs: copies.reduce((n, c) => n + c.presentBlobs, 0),
  };
}
