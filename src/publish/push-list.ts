// A push of given bytes (pushManifestList): read the tag, check the expectation, copy the
// children, PUT the exact bytes under the write protocol, verify. Never merged again, never
// restored: the bytes are signed, so the first conflict ends it.
import { ConflictError } from '../errors/conflict-error.js';
import { MissingChildrenError } from '../errors/missing-children-error.js';
import { log } from '../logger.js';
import { repositoryKey } from '../manifest/reference.js';
import type { ManifestDescriptor } from '../manifest/types.js';
import { contributionsOf } from '../merge/contributions.js';
import { describeMerge } from '../merge/plan.js';
import type { LagMonitor } from '../util/event-loop-lag.js';
import { sleep } from '../util/sleep.js';
import {
  childrenContextOf,
  copyChildren,
  findMissingChildren,
  type WriteCopyContext,
} from './children.js';
import { underTagLock } from './pipeline.js';
import { type Planned, type PublishReport, publishResult, type Side } from './plan-publish.js';
import { type DestRead, SideReader } from './read-sides.js';
import { type ReferrerParts, referrerParts } from './referrers/for-request.js';
import type { TagRequest } from './request.js';
import type { MergeResult } from './result.js';
import { failedPutBackoffMs, pushTag } from './tag-write.js';
import { otherWritersContributions, readBack } from './verify.js';

/** A push of given bytes: the tag, the clients and settings, the checked list, the expectation. */
export interface PushRequest extends TagRequest {
  /** The list as given, checked (`pushableList`). */
  given: Omit<Planned, 'unchanged'>;
  /** The digest the tag must hold (`null`: no tag); `undefined` for no expectation. */
  expected: string | null | undefined;
}

/**
 * Pushes the given list's exact bytes to the destination tag, under the tag's lock in this
 * process (see {@link ManifestListMerger.pushManifestList}).
 */
export function pushList(request: PushRequest): Promise<MergeResult> {
  const { digest } = request.given;
  return underTagLock(
    request,
    `Pushing the manifest list ${digest} to '${request.destImage}'`,
    'Pushing the manifest list: complete.',
    (lag) => new Push(request, lag).run(),
  );
}

class Push {
  readonly #reader: SideReader;
  readonly #given: Side;
  #planned: Planned | undefined;
  #base: DestRead | undefined;
  readonly #ctx: WriteCopyContext;
  readonly #referrers: ReferrerParts;
  /** The lookup of the replaced list's signatures, while it runs (it never rejects). */
  #stalePending: Promise<void> = Promise.resolve();
  #staleStarted = false;
  readonly #warnings: string[] = [];

  constructor(
    private readonly request: PushRequest,
    private readonly lag: LagMonitor,
  ) {
    this.#reader = new SideReader(request, lag);
    const { list, bytes, digest, mediaType } = request.given;
    // The given list stands where a merge has its source: every entry of it is "from source".
    this.#given = { fetched: { bytes, digest, mediaType }, list };
    // One bound on requests in flight and one blob ledger for everything the write copies.
    this.#ctx = childrenContextOf(request);
    this.#referrers = referrerParts(request, this.#ctx);
  }

  async run(): Promise<MergeResult> {
    try {
      return await this.#run();
    } catch (error) {
      // No lookup of the replaced list's signatures is left running behind a failure.
      await this.#stalePending;
      throw error;
    }
  }

  async #run(): Promise<MergeResult> {
    const { destImage, call, settings, given, expected } = this.request;
    const base = await this.#reader.dest();
    this.#base = base;
    const held = base.observed.digest;
    this.#planned = { ...given, unchanged: held === given.digest };
    if (this.#planned.unchanged && !call.force) {
      if (!call.dryRun) log(settings.logger, 'info', `'${destImage}' already holds this list`);
      return this.#result({ outcome: call.dryRun ? 'dry-run' : 'unchanged', attempts: 1 });
    }
    if (expected !== undefined && (expected ?? undefined) !== held) {
      throw new ConflictError({
        image: destImage,
        attempts: 1,
        reason: 'unexpected-digest',
        operation: 'push',
        expectedDigest: expected,
        actualDigest: held ?? null,
      });
    }
    const missing = await this.#missingChildren(base);
    const childrenToCopy = missing.map((d) => d.digest);
    const { copier } = this.#referrers;
    if (call.dryRun) {
      // A dry run reports before anything is pushed: it waits for the lookup, and fails with it.
      const [followed, looked] = await Promise.allSettled([
        copier?.follow(childrenToCopy, false),
        this.#referrers.stale?.prepare(base.observed.digest, given.digest, true),
      ]);
      if (followed.status === 'rejected') throw followed.reason;
      if (looked.status === 'rejected') throw looked.reason;
      return this.#result({ outcome: 'dry-run', attempts: 1, childrenToCopy });
    }
    const copies = missing.length > 0 ? [await copyChildren(missing, this.#ctx)] : [];
    const top = new Set(childrenToCopy);
    const nested = copies.flatMap((c) => c.manifests).filter((d) => !top.has(d));
    await copier?.follow([...top, ...nested], true);
    return this.#write({ childrenToCopy, copies });
  }

  /**
   * Starts looking up the signatures of the list the tag held, which the pushed bytes leave
   * behind (once); a failure becomes a warning.
   */
  #lookUpStale(): void {
    const { stale } = this.#referrers;
    if (!stale || this.#staleStarted) return;
    this.#staleStarted = true;
    const before = this.#base?.observed.digest;
    const after = this.request.given.digest;
    this.#stalePending = stale.prepareOrWarn(before, after, true, (line) =>
      this.#warnings.push(line),
    );
  }

  /**
   * The children of the list the destination repository lacks (those the tag's list names
   * are known to be there). Checked even within one repository: the bytes came from outside.
   *
   * @throws {MissingChildrenError} when some are missing and cannot be copied: copying is off,
   *   or the source is the destination repository (no other one to copy from).
   */
  async #missingChildren(base: DestRead): Promise<ManifestDescriptor[]> {
    const { destImage, srcImage, settings, given } = this.request;
    const present = new Set((base.side?.list.manifests ?? []).map((e) => e.digest));
    const missing = await findMissingChildren(given.list.manifests, present, this.#ctx);
    if (missing.length === 0) return missing;
    const digests = missing.map((d) => d.digest);
    if (!settings.copyChildren) {
      throw new MissingChildrenError({ image: destImage, digests, reason: 'copy-disabled' });
    }
    if (repositoryKey(srcImage) === repositoryKey(destImage)) {
      throw new MissingChildrenError({ image: destImage, digests, reason: 'no-source' });
    }
    return missing;
  }

  /**
   * PUTs the bytes under the write protocol, from the tag as first read: a PUT that failed
   * while the tag stayed still is tried again (at most `maxAttempts`); a tag that moved before
   * the PUT, or lost entries to another writer around it, is a {@link ConflictError}.
   */
  async #write(report: Pick<PublishReport, 'childrenToCopy' | 'copies'>): Promise<MergeResult> {
    const { request } = this;
    const { settings, destImage, destClient, call, given } = request;
    const base = this.#base as DestRead;
    const unverified = settings.soleWriter || base.unreadable === true;
    // What this push adds to the tag it replaces, and must find there afterwards.
    const mine = contributionsOf(given.list, { base: base.side?.list, match: settings.match });
    const atRisk = () => mine.map((c) => c.platform);
    const seen = new Set<string>();
    let observed = base.observed;
    if (unverified) this.#lookUpStale();
    for (let attempt = 1; ; attempt++) {
      log(settings.logger, 'info', `Uploading the manifest list to '${destImage}'`);
      const outcome = await pushTag({
        client: destClient,
        image: destImage,
        bytes: given.bytes,
        mediaType: given.mediaType,
        digest: given.digest,
        base: observed,
        rtt: this.#reader.rtt,
        settle: settings.settleTime,
        soleWriter: unverified,
        // The replaced list's signatures are looked up while the push settles.
        ...(unverified ? {} : { onPutAnswered: () => this.#lookUpStale() }),
        lag: this.lag,
        signal: call.signal,
      });
      if (outcome.kind === 'moved') {
        if (outcome.reason === 'failed') {
          if (attempt >= settings.maxAttempts) throw outcome.error;
          await sleep(failedPutBackoffMs(attempt), { signal: call.signal });
        }
        const now = await this.#reader.dest();
        // A PUT that failed on a tag that did not move: the same bytes, tried again.
        if (outcome.reason === 'failed' && now.observed.digest === observed.digest) {
          observed = now.observed;
          continue;
        }
        // Another writer pushed these very bytes meanwhile: the tag holds them.
        if (now.observed.digest === given.digest) {
          return this.#result({ outcome: 'unchanged', attempts: attempt, ...report });
        }
        throw new ConflictError({
          image: destImage,
          attempts: attempt,
          reason: 'moving',
          operation: 'push',
        });
      }
      if (unverified) {
        if (base.unreadable) {
          log(
            settings.logger,
            'warn',
            `'${destImage}' cannot be read with these credentials: the push is not verified against other writers`,
          );
        }
        return this.#result({ outcome: 'pushed', attempts: attempt, ...report });
      }
      // Lists other writers pushed while our PUT was in flight: what they added must survive.
      const exclude = new Set(mine.map((c) => c.key));
      const context = { base: base.side?.list, exclude, attempt, operation: 'push' as const };
      const others = await otherWritersContributions(
        request,
        outcome.foreign,
        seen,
        context,
        atRisk,
      );
      const promised = [...mine, ...others];
      const { missing } = await readBack(
        this.#reader,
        promised,
        given.digest,
        outcome.settleMs,
        request,
      );
      if (missing.length > 0) {
        throw new ConflictError({
          image: destImage,
          attempts: attempt,
          reason: 'overwritten',
          operation: 'push',
          platforms: missing.map((c) => c.platform),
        });
      }
      const verification = {
        settleMs: outcome.settleMs,
        polls: outcome.polls,
        otherWriters: seen.size,
        restored: [],
      };
      return this.#result({ outcome: 'pushed', attempts: attempt, ...report, verification });
    }
  }

  async #result(report: PublishReport): Promise<MergeResult> {
    await this.#stalePending;
    const planned = this.#planned as Planned;
    const dest = this.#base?.side?.list;
    const plan = describeMerge(planned.list, dest, planned.list, {
      match: this.request.settings.match,
    });
    const destinationDigest = this.#base?.observed.digest ?? null;
    const { copier, stale } = this.#referrers;
    const staleSignatures =
      report.outcome === 'pushed' || report.outcome === 'dry-run'
        ? stale?.result(planned.digest, copier?.referrersOf(planned.digest) ?? 0)
        : undefined;
    return publishResult(planned, this.#given, plan, {
      destinationDigest,
      ...report,
      warnings: this.#warnings,
      ...(copier?.used ? { referrers: copier.report() } : {}),
      ...(staleSignatures ? { staleSignatures } : {}),
    });
  }
}
