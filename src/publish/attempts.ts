// The rounds of a publish: merge (or restore), children, PUT under the write protocol, verify.
import { ConflictError } from '../errors/conflict-error.js';
import { MissingChildrenError } from '../errors/missing-children-error.js';
import { log } from '../logger.js';
import { normalizeMediaType } from '../manifest/media-types.js';
import { repositoryKey } from '../manifest/reference.js';
import type { ManifestDescriptor, ManifestList } from '../manifest/types.js';
import {
  type Contribution,
  contributionsOf,
  lostContributions,
  restoreContributions,
} from '../merge/contributions.js';
import { finalizeList } from '../merge/finalize.js';
import type { MergePlan } from '../merge/plan.js';
import type { LagMonitor } from '../util/event-loop-lag.js';
import { sleep } from '../util/sleep.js';
import {
  type CopyReport,
  childrenContextOf,
  copyChildren,
  findMissingChildren,
  type WriteCopyContext,
} from './children.js';
import { mergeLists } from './merge-lists.js';
import {
  chooseBytes,
  type Planned,
  type PublishReport,
  planPublish,
  publishResult,
  type Side,
} from './plan-publish.js';
import { type DestRead, SideReader } from './read-sides.js';
import type { ReferrerCopier } from './referrers/copy.js';
import { referrerParts } from './referrers/for-request.js';
import type { StaleSignatureCheck } from './referrers/stale.js';
import type { PublishRequest } from './request.js';
import type { MergeResult } from './result.js';
import { failedPutBackoffMs, pushTag } from './tag-write.js';
import { otherWritersContributions, readBack } from './verify.js';

/**
 * Read, merge, push, verify, until every entry this merge added (and every entry of another
 * writer that its PUT may have overwritten) is in the tag, or the attempts run out. Each
 * attempt is in one of two phases: the merge phase (merge the sides, plan, push) until a push
 * of ours has landed and was overwritten; then the restore phase (put what was overwritten
 * back on top of what the tag holds now).
 */
export async function runAttempts(request: PublishRequest, lag: LagMonitor): Promise<MergeResult> {
  const reader = new SideReader(request, lag);
  const [src, dest] = await reader.both();
  return new Attempts(request, lag, reader, src, dest).run();
}

class Attempts {
  readonly #present = new Set<string>(); // manifests the destination repository holds
  readonly #copied: string[] = [];
  readonly #copies: CopyReport[] = [];
  readonly #seen = new Set<string>(); // other writers' lists seen during our PUTs
  readonly #restored = new Set<string>();
  readonly #others: Contribution[] = [];
  /** What the reads and the merge found worth telling, each line once. */
  readonly #warnings = new Set<string>();
  #mine: Contribution[] = [];
  /** Set once a push of ours has landed and was overwritten: the restore phase. */
  #lost: Contribution[] | undefined;
  #plan: MergePlan | undefined;
  #planned: Planned | undefined;
  /** The digest of the destination read `#planned` was computed from. */
  #base: string | undefined;
  #polls = 0;
  readonly #ctx: WriteCopyContext;
  /** The media type the destination held when first read (`undefined`: it did not exist). */
  readonly #destMediaType: string | undefined;
  /** Referrers follow copied manifests (unless off, or within one repository). */
  readonly #referrers: ReferrerCopier | undefined;
  /** The old list's signatures, which a changed tag leaves behind (unless referrers are off). */
  readonly #stale: StaleSignatureCheck | undefined;
  /** The lookup of the old list's signatures, while it runs (it never rejects). */
  #stalePending: Promise<void> = Promise.resolve();
  /** The list whose push leaves the old list's signatures behind, until its lookup starts. */
  #staleTarget: { planned: Planned; before: string | undefined } | undefined;
  /** Counts the lookups started, so that only the latest one's failure is a warning. */
  #staleRound = 0;
  /** The latest lookup's failure, as a warning. */
  #staleWarning: string | undefined;

  constructor(
    private readonly request: PublishRequest,
    private readonly lag: LagMonitor,
    private readonly reader: SideReader,
    private readonly src: Side,
    private dest: DestRead,
  ) {
    const first = dest.side?.fetched.mediaType;
    this.#destMediaType = first === undefined ? undefined : normalizeMediaType(first);
    // One bound on requests in flight and one blob ledger for everything the write copies.
    this.#ctx = childrenContextOf(request);
    const parts = referrerParts(request, this.#ctx);
    this.#referrers = parts.copier;
    this.#stale = parts.stale;
  }

  async run(): Promise<MergeResult> {
    try {
      return await this.#rounds();
    } catch (error) {
      // No lookup of the old list's signatures is left running behind a failure.
      await this.#stalePending;
      throw error;
    }
  }

  async #rounds(): Promise<MergeResult> {
    const { settings, destImage, call } = this.request;
    const { logger, match } = settings;
    for (const line of this.src.warnings ?? []) this.#warnings.add(line);
    for (let attempt = 1; ; attempt++) {
      for (const entry of this.dest.side?.list.manifests ?? []) this.#present.add(entry.digest);
      for (const line of this.dest.side?.warnings ?? []) this.#warnings.add(line);
      let missing: ManifestDescriptor[];
      if (this.#lost === undefined) {
        const merged = mergeLists(this.request, this.src, this.dest.side, attempt);
        for (const line of merged.warnings) this.#warnings.add(line);
        const { planned, plan, step } = planPublish(
          merged.list,
          this.src,
          this.dest.side,
          match,
          call,
        );
        this.#planned = planned;
        this.#plan = plan;
        this.#base = this.dest.observed.digest;
        if (step.next === 'stop') {
          if (step.outcome === 'unchanged' && call.push) {
            log(logger, 'info', `'${destImage}' already holds this list; nothing to push`);
          }
          if (step.outcome === 'not-pushed' && this.#referrers) {
            // What the caller's own upload would need: the children and their referrers.
            const childrenToCopy = (await this.#missingChildren(planned.list)).map((d) => d.digest);
            await this.#followReferrers(childrenToCopy, false);
            return this.#result({ outcome: step.outcome, attempts: attempt, childrenToCopy });
          }
          return this.#result({ outcome: step.outcome, attempts: attempt });
        }
        if (step.next === 'dry-run') {
          missing = await this.#missingAndStale(planned);
          const childrenToCopy = missing.map((d) => d.digest);
          await this.#followReferrers(childrenToCopy, false);
          return this.#result({ outcome: 'dry-run', attempts: attempt, childrenToCopy });
        }
        // The old list's signatures are only reported: looked up while the push runs.
        this.#staleTarget = { planned, before: this.dest.side?.fetched.digest };
        missing = await this.#missingChildren(planned.list);
        this.#mine = contributionsOf(planned.list, {
          base: this.dest.side?.list,
          from: this.src.list,
          match,
        });
      } else {
        const base = this.dest.side?.list ?? { ...(this.#planned as Planned).list, manifests: [] };
        // What is put back may not fit a Docker list (another writer's OCI entries): finalise.
        const restored = finalizeList(restoreContributions(base, this.#lost, match), base, {
          dockerListConversion: this.request.settings.dockerListConversion,
        });
        this.#planned = chooseBytes(restored, this.src, this.dest.side);
        this.#base = this.dest.observed.digest;
        for (const c of this.#lost) this.#restored.add(c.platform);
        missing = await this.#missingChildren(this.#planned.list);
      }
      await this.#followReferrers(await this.#copyMissing(missing), true);
      const done = await this.#push(attempt);
      if (done) return done;
    }
  }

  /** One PUT and what follows it: a result when done, `undefined` to go round again. */
  async #push(attempt: number): Promise<MergeResult | undefined> {
    const { request, reader } = this;
    const { settings, destImage, destClient, call } = request;
    const { logger, match } = settings;
    const planned = this.#planned as Planned;
    const unverified = settings.soleWriter || this.dest.unreadable === true;
    const stale = this.#staleTarget;
    this.#staleTarget = undefined;
    // Without verification the lookup overlaps the PUT; with it, the settle window and the
    // read-back, once the PUT succeeded (requests sent alongside a PUT make its answer late,
    // and a late answer is watched with polls).
    if (stale && unverified) this.#lookUpStale(stale.planned, stale.before);
    log(logger, 'info', `Uploading the new manifest list to '${destImage}'`);
    const outcome = await pushTag({
      client: destClient,
      image: destImage,
      bytes: planned.bytes,
      mediaType: planned.mediaType,
      digest: planned.digest,
      base: this.dest.observed,
      rtt: reader.rtt,
      settle: settings.settleTime,
      soleWriter: unverified,
      ...(stale && !unverified
        ? { onPutAnswered: () => this.#lookUpStale(stale.planned, stale.before) }
        : {}),
      lag: this.lag,
      signal: call.signal,
    });
    const lost = this.#lost;
    const atRisk = (): string[] => (lost ?? this.#mine).map((c) => c.platform);

    if (outcome.kind === 'moved') {
      if (attempt >= settings.maxAttempts) {
        if (outcome.reason === 'failed') throw outcome.error;
        throw new ConflictError({
          image: destImage,
          attempts: attempt,
          reason: lost === undefined ? 'moving' : 'overwritten',
          platforms: atRisk(),
        });
      }
      log(logger, 'warn', `Destination '${destImage}' changed during the merge; merging again`);
      if (outcome.reason === 'failed')
        await sleep(failedPutBackoffMs(attempt), { signal: call.signal });
      this.dest = await reader.dest();
      if (lost !== undefined) {
        // Our earlier push landed; what was overwritten may be back by now.
        this.#lost = lostContributions(this.dest.side?.list, this.#promised(), match);
        if (this.#lost.length === 0) return this.#pushed(attempt);
      }
      return undefined;
    }
    if (unverified) {
      if (this.dest.unreadable) {
        log(
          logger,
          'warn',
          `'${destImage}' cannot be read with these credentials: the push is not verified against other writers`,
        );
      }
      return this.#pushed(attempt);
    }

    this.#polls += outcome.polls;
    log(
      logger,
      'debug',
      `Pushed; settle window ${Math.round(outcome.settleMs)} ms (PUT ${Math.round(outcome.putMs)} ms, shortest round trip ${Math.round(reader.rtt.ms)} ms, event loop blocked up to ${Math.round(outcome.blockedMs)} ms, ${outcome.polls} polls)`,
    );
    const exclude = new Set(this.#mine.map((c) => c.key));
    const context = { base: this.dest.side?.list, exclude, attempt };
    this.#others.push(
      ...(await otherWritersContributions(request, outcome.foreign, this.#seen, context, atRisk)),
    );
    const { current, missing } = await readBack(
      reader,
      this.#promised(),
      planned.digest,
      outcome.settleMs,
      request,
    );
    if (missing.length === 0) {
      const verification = {
        settleMs: outcome.settleMs,
        polls: this.#polls,
        otherWriters: this.#seen.size,
        restored: [...this.#restored],
      };
      return this.#pushed(attempt, verification);
    }
    const names = missing.map((c) => c.platform);
    if (attempt >= settings.maxAttempts) {
      throw new ConflictError({
        image: destImage,
        attempts: attempt,
        reason: 'overwritten',
        platforms: names,
      });
    }
    log(
      logger,
      'warn',
      `Another writer overwrote ${names.join(', ')} in '${destImage}'; restoring`,
    );
    this.#lost = missing;
    this.dest = current;
    // Writers that collided are likely to collide again: spread their next pushes.
    await sleep(Math.random() * outcome.settleMs, { signal: call.signal });
    return undefined;
  }

  /** Ours and the other writers' contributions that our pushes may have overwritten. */
  #promised(): Contribution[] {
    return [...this.#mine, ...this.#others];
  }

  /**
   * Children of `list` the destination repository may lack (none within one repository);
   * entries it is known to hold are not asked about.
   */
  async #missingChildren(list: ManifestList): Promise<ManifestDescriptor[]> {
    const { srcImage, destImage } = this.request;
    if (repositoryKey(srcImage) === repositoryKey(destImage)) return [];
    return findMissingChildren(list.manifests, this.#present, this.#ctx);
  }

  /**
   * The children the destination lacks ({@link #missingChildren}) and, at the same time, the
   * signatures of the destination's list that this merge would leave behind.
   */
  async #missingAndStale(planned: Planned): Promise<ManifestDescriptor[]> {
    const { srcImage, destImage } = this.request;
    const sameRepository = repositoryKey(srcImage) === repositoryKey(destImage);
    const ownBytes = planned.digest === this.src.fetched.digest;
    const [missing, stale] = await Promise.allSettled([
      this.#missingChildren(planned.list),
      this.#stale?.prepare(
        this.dest.side?.fetched.digest,
        planned.digest,
        ownBytes && sameRepository,
      ),
    ]);
    if (missing.status === 'rejected') throw missing.reason;
    if (stale.status === 'rejected') throw stale.reason;
    return missing.value;
  }

  /**
   * Starts looking up the signatures `planned` leaves behind (after any lookup still running
   * for an earlier round); a failure becomes a warning of the result, never a failed push.
   */
  #lookUpStale(planned: Planned, before: string | undefined): void {
    const stale = this.#stale;
    if (!stale) return;
    const { srcImage, destImage } = this.request;
    const sameRepository = repositoryKey(srcImage) === repositoryKey(destImage);
    const ownBytes = planned.digest === this.src.fetched.digest;
    // Only the latest round's lookup may warn: an earlier round's list was never the result.
    const round = ++this.#staleRound;
    this.#staleWarning = undefined;
    this.#stalePending = this.#stalePending.then(() =>
      stale.prepareOrWarn(before, planned.digest, ownBytes && sameRepository, (line) => {
        if (round === this.#staleRound) this.#staleWarning = line;
      }),
    );
  }

  /**
   * Follows the referrers of `copied` (manifests copied into the destination, or to be),
   * and of the list itself when it is pushed as the source's own bytes: copies them when
   * `write`, else only finds them.
   */
  async #followReferrers(copied: readonly string[], write: boolean): Promise<void> {
    if (!this.#referrers) return;
    const planned = this.#planned as Planned;
    const own = planned.digest === this.src.fetched.digest ? [planned.digest] : [];
    await this.#referrers.follow([...copied, ...own], write);
  }

  /**
   * Copies `missing` into the destination repository, or refuses without `copyChildren`;
   * resolves the digests of every manifest copied: `missing` in list order, then the nested
   * ones.
   */
  async #copyMissing(missing: readonly ManifestDescriptor[]): Promise<string[]> {
    if (missing.length === 0) return [];
    if (!this.request.settings.copyChildren) {
      throw new MissingChildrenError({
        image: this.request.destImage,
        digests: missing.map((d) => d.digest),
      });
    }
    const report = await copyChildren(missing, this.#ctx);
    this.#copies.push(report);
    for (const d of missing) {
      this.#present.add(d.digest);
      this.#copied.push(d.digest);
    }
    // In list order (then nested ones as copied), so that referrers are reported in order.
    const top = new Set(missing.map((d) => d.digest));
    return [...top, ...report.manifests.filter((d) => !top.has(d))];
  }

  #pushed(attempt: number, verification?: PublishReport['verification']): Promise<MergeResult> {
    return this.#result({
      outcome: 'pushed',
      attempts: attempt,
      childrenToCopy: this.#copied,
      copies: this.#copies,
      ...(verification ? { verification } : {}),
    });
  }

  async #result(report: PublishReport): Promise<MergeResult> {
    await this.#stalePending;
    const planned = this.#planned as Planned;
    const copier = this.#referrers;
    const staleSignatures =
      report.outcome === 'pushed' || report.outcome === 'dry-run'
        ? this.#stale?.result(planned.digest, copier?.referrersOf(planned.digest) ?? 0)
        : undefined;
    const destinationDigest = this.#base ?? null;
    return publishResult(planned, this.src, this.#plan as MergePlan, {
      destinationDigest,
      ...report,
      warnings: [...this.#warnings, ...(this.#staleWarning ? [this.#staleWarning] : [])],
      ...(this.#destMediaType ? { destinationMediaType: this.#destMediaType } : {}),
      ...(copier?.used ? { referrers: copier.report() } : {}),
      ...(staleSignatures ? { staleSignatures } : {}),
    });
  }
}
