import { clientFromCredentials, rehost } from '../compat/seed-clients.js';
import { ClientsNotSetError } from '../errors/clients-not-set-error.js';
import { ConflictError } from '../errors/conflict-error.js';
import { DestinationNotFoundError } from '../errors/destination-not-found-error.js';
import { DestinationUnreadableError } from '../errors/destination-unreadable-error.js';
import { InvalidManifestListError } from '../errors/invalid-manifest-list-error.js';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { MissingChildrenError } from '../errors/missing-children-error.js';
import { type Logger, log, silentLogger } from '../logger.js';
import { parseManifestList } from '../manifest/parse.js';
import { formatPlatform, type MatchMode } from '../manifest/platform.js';
import {
  parseImageReference,
  registryOf,
  repositoryKey,
  tagKey,
  withDigest,
} from '../manifest/reference.js';
import { computeDigest, serializeManifestList } from '../manifest/serialize.js';
import type { FetchedManifest, ManifestDescriptor, ManifestList } from '../manifest/types.js';
import {
  type Contribution,
  contributionsOf,
  lostContributions,
  restoreContributions,
} from '../merge/contributions.js';
import { entryKind } from '../merge/entries.js';
import { listsEqual } from '../merge/equality.js';
import { type DockerListConversion, finalizeList } from '../merge/finalize.js';
import { addMissingArchitectures, getMissingArchitectures } from '../merge/mode-a.js';
import { selectArchitectures } from '../merge/mode-b.js';
import { describeMerge, type MergePlan } from '../merge/plan.js';
import { unlessNotFound } from '../registry/capabilities.js';
import { isNotFoundError, type RegistryClient, statusOf } from '../registry/client.js';
import { LagMonitor } from '../util/event-loop-lag.js';
import { numberOption } from '../util/options.js';
import { sleep } from '../util/sleep.js';
import {
  type ChildrenContext,
  type CopyReport,
  copyChildren,
  DEFAULT_MAX_INDEX_DEPTH,
  findMissingChildren,
} from './children.js';
import { RoundTrips } from './round-trips.js';
import type { SettleTime } from './settle.js';
import { withTagLock } from './tag-lock.js';
import { pushTag, type TagObservation } from './tag-write.js';

/**
 * Options of {@link ManifestListMerger}.
 *
 * @example
 * ```ts
 * const merger = new ManifestListMerger({
 *   srcImage: 'quay.io/acme/app:1.2-s390x-build',
 *   destImage: 'quay.io/acme/app:1.2',
 *   srcClient: client,
 *   destClient: client,
 *   logger: console,
 * });
 * ```
 */
export interface ManifestListMergerOptions {
  /** The source list, a full reference with its registry host (`quay.io/ns/repo:tag`). */
  srcImage: string;
  /** The destination tag (`quay.io/ns/repo:tag`); merges push to it. Not a digest. */
  destImage: string;
  /**
   * Client that reads the source. Set here, with `setClients()`, or built from `srcUsername`.
   * @default an HttpRegistryClient when `srcUsername` and `srcPassword` are given, else none
   */
  srcClient?: RegistryClient;
  /**
   * Client that reads and writes the destination. Set here, with `setClients()`, or built
   * from `destUsername`.
   * @default an HttpRegistryClient when `destUsername` and `destPassword` are given, else none
   */
  destClient?: RegistryClient;
  /**
   * Seed-compatible construction: with `srcUsername` and `srcPassword`, an
   * {@link HttpRegistryClient} with these credentials is built for the source (as
   * pubtools-quay builds a `QuayClient`). Ignored when `srcClient` is given.
   * @default undefined
   */
  srcUsername?: string;
  /** Password or token for `srcUsername`. Never logged. @default undefined */
  srcPassword?: string;
  /** Seed-compatible construction of the destination client; see `srcUsername`. @default undefined */
  destUsername?: string;
  /** Password or token for `destUsername`. Never logged. @default undefined */
  destPassword?: string;
  /**
   * The registry host the source is read from, overriding the host written in `srcImage`
   * (pubtools-quay's `src_quay_host`). Falls back to `host`.
   * @default the host of `srcImage`
   */
  srcHost?: string;
  /**
   * The registry host of the destination (and of the source when `srcHost` is not given),
   * overriding the host written in the references (pubtools-quay's `host`). Unlike the seed,
   * which defaults to `quay.io`, the default is the host each reference names.
   * @default the host of `destImage`
   */
  host?: string;
  /**
   * Receives the seed's four info lines per merge, and warnings on retried conflicts.
   * @default silent
   */
  logger?: Logger;
  /**
   * How entries are matched: `'platform'` (normalised os/arch/variant) or `'architecture'`
   * (the raw architecture string, exactly as pubtools-quay).
   * @default 'platform'
   */
  match?: MatchMode;
  /**
   * Before pushing a list, make sure the destination repository holds every manifest it
   * names, copying missing ones from the source (blobs mounted on one registry, streamed
   * across registries). `false` → a {@link MissingChildrenError} listing them, nothing pushed.
   * @default true
   */
  copyChildren?: boolean;
  /**
   * How many existence checks and blob transfers run at once while checking and copying
   * children.
   * @default 4
   */
  copyConcurrency?: number;
  /**
   * How deep nested indexes (an index naming indexes) are followed while copying children;
   * a deeper one is a {@link NestingTooDeepError} and nothing is pushed.
   * @default 8
   */
  maxIndexDepth?: number;
  /**
   * A Docker manifest list that would name OCI manifests or carry annotations, subject or
   * artifactType becomes an OCI image index (`'oci-index'`), or is refused (`'error'`).
   * @default 'oci-index'
   */
  dockerListConversion?: DockerListConversion;
  /**
   * The caller vouches that nobody else writes the destination tag while this merge runs
   * (merges in this process are serialised per tag anyway). The push then skips every
   * cross-process check: no re-read before the PUT, no settle window, no verification read.
   * Another writer's platforms can then be lost without any error.
   * @default false
   */
  soleWriter?: boolean;
  /**
   * The settle window of the cross-process protocol: how long a push waits after its PUT
   * before reading the tag back to verify it. `'auto'` takes half the PUT's round trip,
   * from 10 ms to 2 s; a number fixes it (ms). Writers that are far from the registry, or far
   * apart, should all set the same value, at least the longest round trip among them.
   * @default 'auto'
   */
  settleTime?: SettleTime;
  /**
   * The caller vouches that the destination tag is new: a 401 on reading it (a push-only
   * robot, which cannot tell "absent" from "no pull access") then counts as absent instead of
   * a {@link DestinationUnreadableError}. Such a merge cannot verify its push.
   * @default false
   */
  newDestination?: boolean;
  /**
   * Read-merge-write rounds before a {@link ConflictError}.
   * @default 10
   */
  maxAttempts?: number;
}

/** Options of one merge call. */
export interface MergeCallOptions {
  /** Aborts every request of the merge at once. */
  signal?: AbortSignal;
  /**
   * Resolve the plan (entries, children to copy, exact bytes and digest) without writing
   * anything.
   * @default false
   */
  dryRun?: boolean;
  /**
   * Push even when the new list equals the destination's.
   * @default false
   */
  force?: boolean;
}

/** Options of {@link ManifestListMerger.mergeSelectedArchitectures}. */
export interface SelectCallOptions extends MergeCallOptions {
  /**
   * Push the new list to the destination tag. Without it the list is only returned, as
   * pubtools-quay does (the caller signs and uploads).
   * @default false
   */
  push?: boolean;
}

/** What a merge resolves to. */
export interface MergeResult {
  /** The new list. */
  manifestList: ManifestList;
  /** The exact bytes that were (or would be) pushed; the destination's own when unchanged. */
  bytes: Uint8Array;
  /** `sha256:` of `bytes`: what the destination tag resolves to after a push or a no-op. */
  digest: string;
  /** Media type the bytes are pushed under. */
  mediaType: string;
  /** True when the list was pushed to the destination tag. */
  pushed: boolean;
  /** True when the new list equals the destination's, so nothing needed pushing. */
  unchanged: boolean;
  /** True for a dry run: nothing was written. */
  dryRun: boolean;
  /** Platforms taken from the source (`linux/arm64`, …), in list order. */
  added: string[];
  /** Platforms kept from the destination, in list order. */
  kept: string[];
  /** The full classification: added, replaced, kept and removed entries with digests. */
  plan: MergePlan;
  /**
   * Digests of the manifests the destination repository lacks: copied by this push, or, for a
   * dry run, to be copied by one. Not checked (empty) for a Mode B result that is neither
   * pushed nor a dry run: ask with `dryRun: true` to know before uploading it yourself.
   */
  childrenToCopy: string[];
  /** What the children copy did (absent when nothing was copied). */
  copy?: CopyReport;
  /** Read-merge-write rounds used (more than 1 when another writer moved the tag). */
  attempts: number;
  /**
   * How the push was made sure of against other writers; absent when nothing was pushed or
   * with `soleWriter`.
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

interface Side {
  fetched: FetchedManifest;
  list: ManifestList;
}

/** A read of the destination tag: its content (none when absent) and when it was read. */
interface DestRead {
  side: Side | undefined;
  observed: TagObservation;
  /** The caller vouched the tag is new, and these credentials cannot read it. */
  unreadable?: boolean;
}

type Mode = { kind: 'all' } | { kind: 'select'; eligibleArchs: readonly string[] };

interface RunOptions {
  signal: AbortSignal | undefined;
  dryRun: boolean;
  force: boolean;
  push: boolean;
}

/** The list one attempt pushes, with the result fields that describe it. */
interface Planned {
  list: ManifestList;
  bytes: Uint8Array;
  digest: string;
  mediaType: string;
  unchanged: boolean;
}

/** Names the result's images and artifacts (not attestations) by the side they came from. */
function namesBySide(src: ManifestList, list: ManifestList): { added: string[]; kept: string[] } {
  const fromSource = new Set(src.manifests.map((d) => d.digest));
  const added: string[] = [];
  const kept: string[] = [];
  for (const entry of list.manifests) {
    if (entryKind(entry) === 'attestation') continue;
    (fromSource.has(entry.digest) ? added : kept).push(formatPlatform(entry));
  }
  return { added, kept };
}

/**
 * Merges a source manifest list into a destination tag over two injected
 * {@link RegistryClient}s: pubtools-quay's `ManifestListMerger`, platform-aware and safe to
 * publish with.
 *
 * - {@link ManifestListMerger.mergeManifestLists} (Mode A): every source entry plus each
 *   destination entry whose platform the source lacks; pushed to the destination tag.
 * - {@link ManifestListMerger.mergeSelectedArchitectures} (Mode B): only the eligible
 *   architectures from the source, every other entry kept from the destination (which may not
 *   exist); returned, and pushed only with `{ push: true }`.
 *
 * Before a push: children the destination lacks are copied; a list equal to the destination's
 * is not pushed (`unchanged`); merges into one tag in this process run one at a time; the
 * destination digest is checked again before the PUT and read back after it, re-merging when
 * another writer moved it.
 *
 * @example
 * ```ts
 * const merger = new ManifestListMerger({ srcImage, destImage, srcClient, destClient });
 * const { digest, added, kept } = await merger.mergeManifestLists();
 * ```
 */
export class ManifestListMerger {
  /** The source image reference (re-hosted when `srcHost`/`host` is given). */
  readonly srcImage: string;
  /** The destination image reference (re-hosted when `host` is given). */
  readonly destImage: string;
  #srcClient: RegistryClient | undefined;
  #destClient: RegistryClient | undefined;
  readonly #logger: Logger;
  readonly #match: MatchMode;
  readonly #copyChildren: boolean;
  readonly #copyConcurrency: number;
  readonly #maxIndexDepth: number;
  readonly #dockerListConversion: DockerListConversion;
  readonly #soleWriter: boolean;
  readonly #settle: SettleTime;
  readonly #newDestination: boolean;
  readonly #maxAttempts: number;

  /**
   * @throws {InvalidReferenceError} when an image reference is malformed.
   * @throws {InvalidOptionError} when the destination is given by digest, or a numeric option
   *   is not a finite number in its range.
   */
  constructor(options: ManifestListMergerOptions) {
    this.srcImage = rehost(options.srcImage, options.srcHost ?? options.host);
    this.destImage = rehost(options.destImage, options.host);
    if (parseImageReference(this.destImage).digest !== undefined) {
      throw new InvalidOptionError(
        `The destination '${this.destImage}' is a digest: merges push to a tag, give one (host/repo:tag)`,
        'destImage',
      );
    }
    this.#logger = options.logger ?? silentLogger;
    this.#match = options.match ?? 'platform';
    this.#copyChildren = options.copyChildren ?? true;
    this.#copyConcurrency = numberOption('copyConcurrency', options.copyConcurrency, 4, {
      min: 1,
      max: 256,
      integer: true,
    });
    this.#maxIndexDepth = numberOption(
      'maxIndexDepth',
      options.maxIndexDepth,
      DEFAULT_MAX_INDEX_DEPTH,
      { min: 0, max: 64, integer: true },
    );
    this.#dockerListConversion = options.dockerListConversion ?? 'oci-index';
    this.#soleWriter = options.soleWriter === true;
    this.#settle =
      options.settleTime === undefined || options.settleTime === 'auto'
        ? 'auto'
        : numberOption('settleTime', options.settleTime, 0, { min: 0, max: 600_000 });
    this.#newDestination = options.newDestination === true;
    this.#maxAttempts = numberOption('maxAttempts', options.maxAttempts, 10, {
      min: 1,
      max: 1000,
      integer: true,
    });
    this.#srcClient =
      options.srcClient ??
      clientFromCredentials(options.srcUsername, options.srcPassword, options.logger);
    this.#destClient =
      options.destClient ??
      clientFromCredentials(options.destUsername, options.destPassword, options.logger);
  }

  /**
   * Sets (or replaces) the source and destination clients, as the seed's `set_quay_clients`.
   *
   * @example
   * ```ts
   * const client = new HttpRegistryClient({ dockerConfig: true });
   * merger.setClients(client, client);
   * ```
   */
  setClients(srcClient: RegistryClient, destClient: RegistryClient): void {
    this.#srcClient = srcClient;
    this.#destClient = destClient;
  }

  /**
   * Mode A: fetches both lists concurrently, builds a list of every source entry plus each
   * destination entry whose platform the source lacks, and pushes it to the destination tag
   * (unless it equals the destination's, or `dryRun`).
   *
   * @throws {ClientsNotSetError} when a client is missing.
   * @throws {DestinationNotFoundError} when the destination does not exist.
   * @throws {InvalidManifestListError} when either side is not a valid list; nothing is pushed.
   * @throws {MissingChildrenError} with `copyChildren: false`, when children are missing.
   * @throws {IncompatibleMediaTypeError} with `dockerListConversion: 'error'`, when a Docker
   *   list cannot carry the result.
   * @throws {ConflictError} when other writers kept moving the tag.
   * @throws whatever the clients throw otherwise (for {@link HttpRegistryClient}: a
   *   {@link RegistryError} subclass, e.g. {@link NotFoundError} for a missing source).
   *
   * @example
   * ```ts
   * const plan = await merger.mergeManifestLists({ dryRun: true }); // reads only
   * console.log(plan.plan.removed, plan.childrenToCopy);
   * const { pushed, digest, added, kept } = await merger.mergeManifestLists();
   * ```
   */
  async mergeManifestLists(options: MergeCallOptions = {}): Promise<MergeResult> {
    return this.#run(
      `Merging manifest lists of images '${this.srcImage}' and '${this.destImage}'`,
      { kind: 'all' },
      {
        signal: options.signal,
        dryRun: options.dryRun === true,
        force: options.force === true,
        push: true,
      },
    );
  }

  /**
   * Mode B: takes only the `eligibleArchs` from the source and keeps every other entry of the
   * destination, which may not exist (404, or 401 after valid credentials, means absent; any
   * other error propagates). Resolves the new list without pushing it unless `push: true`.
   *
   * @param eligibleArchs - architectures (`amd64`, `aarch64`), `arch/variant` or
   *   `os/arch[/variant]` names; see `selectArchitectures`.
   * @throws {ClientsNotSetError} when a client is missing.
   * @throws {InvalidOptionError} for an empty or malformed eligible name (`'platform'` match).
   * @throws {InvalidManifestListError} when either side is not a valid list; nothing is pushed.
   * @throws with `push: true`, as {@link ManifestListMerger.mergeManifestLists} does
   *   (children, media type, conflicts).
   *
   * @example
   * ```ts
   * // The seed's contract: compute the list, push nothing (sign it, upload it yourself).
   * const { manifestList, bytes, digest } = await merger.mergeSelectedArchitectures(['s390x']);
   * // Or push it; the destination may not exist yet.
   * await merger.mergeSelectedArchitectures(['amd64', 'arm64'], { push: true });
   * ```
   */
  async mergeSelectedArchitectures(
    eligibleArchs: readonly string[],
    options: SelectCallOptions = {},
  ): Promise<MergeResult> {
    return this.#run(
      `Merging architectures ${eligibleArchs.join(', ')} of '${this.srcImage}' into '${this.destImage}'`,
      { kind: 'select', eligibleArchs },
      {
        signal: options.signal,
        dryRun: options.dryRun === true,
        force: options.force === true,
        push: options.push === true,
      },
    );
  }

  #clients(): [RegistryClient, RegistryClient] {
    if (!this.#srcClient || !this.#destClient) throw new ClientsNotSetError();
    return [this.#srcClient, this.#destClient];
  }

  async #run(opening: string, mode: Mode, run: RunOptions): Promise<MergeResult> {
    const [srcClient, destClient] = this.#clients();
    log(this.#logger, 'info', opening);
    const writes = run.push && !run.dryRun;
    const body = async (): Promise<MergeResult> => {
      const lag = new LagMonitor();
      try {
        const result = await this.#merge(mode, run, srcClient, destClient, lag);
        log(this.#logger, 'info', 'Merging manifests lists: complete.');
        return result;
      } finally {
        lag.close();
      }
    };
    // Merges that write one tag run one at a time in this process.
    return writes ? withTagLock(tagKey(this.destImage), body) : body();
  }

  /**
   * Read, merge, push, verify, until every entry this merge added (and every entry of another
   * writer that its PUT may have overwritten) is in the tag, or the attempts run out.
   */
  async #merge(
    mode: Mode,
    run: RunOptions,
    srcClient: RegistryClient,
    destClient: RegistryClient,
    lag: LagMonitor,
  ): Promise<MergeResult> {
    const match = this.#match;
    const { signal } = run;
    const ctx: ChildrenContext = {
      srcClient,
      srcImage: this.srcImage,
      destClient,
      destImage: this.destImage,
      concurrency: this.#copyConcurrency,
      maxIndexDepth: this.#maxIndexDepth,
      signal,
    };
    const unreadable = run.push ? 'check' : 'absent';
    // Round trips count only what the network took: time the event loop was blocked meanwhile
    // (a cold start, a starved process) is taken off.
    const rtt = new RoundTrips(this.destImage);
    lag.takeMaxMs();
    let [src, dest, srcRttMs] = await this.#fetchBoth(srcClient, destClient, signal, unreadable);
    const blocked = lag.takeMaxMs();
    if (registryOf(this.srcImage) === registryOf(this.destImage)) rtt.record(srcRttMs, blocked);
    rtt.record(roundTrip(dest.observed), blocked);
    const reread = async (): Promise<DestRead> => {
      lag.takeMaxMs();
      const read = await this.#readDest(destClient, signal, unreadable);
      rtt.record(roundTrip(read.observed), lag.takeMaxMs());
      return read;
    };
    const present = new Set<string>(); // manifests the destination repository holds
    const copied: string[] = [];
    const copies: CopyReport[] = [];
    const seen = new Set<string>(); // other writers' lists seen during our PUTs
    const restored = new Set<string>();
    let mine: Contribution[] = [];
    const others: Contribution[] = [];
    let lost: Contribution[] | undefined; // set once a push of ours has landed and was overwritten
    let plan: MergePlan | undefined;
    let planned: Planned | undefined;
    let polls = 0;
    const result = (attempt: number, pushed: boolean, extra: Partial<MergeResult> = {}) =>
      this.#result(planned as Planned, src, plan as MergePlan, run, attempt, pushed, extra);

    for (let attempt = 1; ; attempt++) {
      for (const entry of dest.side?.list.manifests ?? []) present.add(entry.digest);
      if (lost === undefined) {
        const merged = this.#mergeLists(mode, src, dest.side, attempt);
        planned = this.#choose(merged, src, dest.side);
        plan = describeMerge(src.list, dest.side?.list, merged, { match });
        if (planned.unchanged && !run.force) {
          if (run.push && !run.dryRun)
            log(
              this.#logger,
              'info',
              `'${this.destImage}' already holds this list; nothing to push`,
            );
          return result(attempt, false, { childrenToCopy: [] });
        }
        if (!run.push && !run.dryRun) return result(attempt, false, { childrenToCopy: [] });
        const missing = await this.#missingChildren(planned.list, present, ctx);
        if (run.dryRun)
          return result(attempt, false, { childrenToCopy: missing.map((d) => d.digest) });
        mine = contributionsOf(planned.list, { base: dest.side?.list, from: src.list, match });
      } else {
        const base = dest.side?.list ?? { ...(planned as Planned).list, manifests: [] };
        planned = this.#choose(restoreContributions(base, lost, match), src, dest.side);
        for (const c of lost) restored.add(c.platform);
      }

      const missing = await this.#missingChildren(planned.list, present, ctx);
      if (missing.length > 0) {
        if (!this.#copyChildren) {
          throw new MissingChildrenError(
            this.destImage,
            missing.map((d) => d.digest),
          );
        }
        copies.push(await copyChildren(missing, ctx));
        for (const d of missing) {
          present.add(d.digest);
          copied.push(d.digest);
        }
      }

      const unverified = this.#soleWriter || dest.unreadable === true;
      log(this.#logger, 'info', `Uploading the new manifest list to '${this.destImage}'`);
      const outcome = await pushTag({
        client: destClient,
        image: this.destImage,
        bytes: planned.bytes,
        mediaType: planned.mediaType,
        digest: planned.digest,
        base: dest.observed,
        rtt,
        settle: this.#settle,
        soleWriter: unverified,
        lag,
        signal,
      });
      const atRisk = (): string[] => (lost ?? mine).map((c) => c.platform);
      const pushed = (attempt: number, extra: Partial<MergeResult> = {}) =>
        result(attempt, true, { childrenToCopy: copied, ...mergedCopy(copies), ...extra });

      if (outcome.kind === 'moved') {
        if (attempt >= this.#maxAttempts) {
          if (outcome.reason === 'failed') throw outcome.error;
          throw new ConflictError(this.destImage, attempt, {
            reason: lost === undefined ? 'moving' : 'overwritten',
            platforms: atRisk(),
          });
        }
        log(
          this.#logger,
          'warn',
          `Destination '${this.destImage}' changed during the merge; merging again`,
        );
        if (outcome.reason === 'failed') await sleep(backoffMs(attempt), { signal });
        dest = await reread();
        if (lost !== undefined) {
          // Our earlier push landed; what was overwritten may be back by now.
          lost = lostContributions(dest.side?.list, [...mine, ...others], match);
          if (lost.length === 0) return pushed(attempt);
        }
        continue;
      }
      if (unverified) {
        if (dest.unreadable) {
          log(
            this.#logger,
            'warn',
            `'${this.destImage}' cannot be read with these credentials: the push is not verified against other writers`,
          );
        }
        return pushed(attempt);
      }

      polls += outcome.polls;
      log(
        this.#logger,
        'debug',
        `Pushed; settle window ${Math.round(outcome.settleMs)} ms (PUT ${Math.round(outcome.putMs)} ms, shortest round trip ${Math.round(rtt.ms)} ms, event loop blocked up to ${Math.round(outcome.blockedMs)} ms, ${outcome.polls} polls)`,
      );
      const base = dest.side?.list;
      const exclude = new Set(mine.map((c) => c.key));
      for (const digest of outcome.foreign) {
        if (seen.has(digest)) continue;
        seen.add(digest);
        const theirs = await this.#readOtherWriter(destClient, digest, signal, attempt, atRisk());
        if (theirs) others.push(...contributionsOf(theirs, { base, exclude, match }));
      }
      const promised = [...mine, ...others];
      let current = await reread();
      let missingNow = lostContributions(current.side?.list, promised, match);
      // Others wrote after us: writers are at work, and one that read before our PUT landed
      // may land later still. Read again a settle window later, until the tag stays still.
      for (let more = 0; more < MAX_QUIET_CHECKS && missingNow.length === 0; more++) {
        if (current.observed.digest === planned.digest) break;
        await sleep(outcome.settleMs, { signal });
        const next = await reread();
        const still = next.observed.digest === current.observed.digest;
        current = next;
        missingNow = lostContributions(current.side?.list, promised, match);
        if (still) break;
      }
      if (missingNow.length === 0) {
        return pushed(attempt, {
          verification: {
            settleMs: outcome.settleMs,
            polls,
            otherWriters: seen.size,
            restored: [...restored],
          },
        });
      }
      const names = missingNow.map((c) => c.platform);
      if (attempt >= this.#maxAttempts) {
        throw new ConflictError(this.destImage, attempt, {
          reason: 'overwritten',
          platforms: names,
        });
      }
      log(
        this.#logger,
        'warn',
        `Another writer overwrote ${names.join(', ')} in '${this.destImage}'; restoring`,
      );
      lost = missingNow;
      dest = current;
      // Writers that collided are likely to collide again: spread their next pushes.
      await sleep(Math.random() * outcome.settleMs, { signal });
    }
  }

  /** The mode's merge of `src` into `dest`, finalised (media type, annotations). */
  #mergeLists(mode: Mode, src: Side, dest: Side | undefined, attempt: number): ManifestList {
    const match = this.#match;
    let merged: ManifestList;
    if (mode.kind === 'all') {
      if (dest === undefined) throw new DestinationNotFoundError(this.destImage);
      const missing = getMissingArchitectures(src.list, dest.list, { match });
      if (attempt === 1) {
        // pubtools-quay's words: bare architectures (`s390x`); a variant or another OS is named too.
        const names = missing
          .filter((d) => entryKind(d) === 'image')
          .map((d) =>
            match === 'architecture'
              ? d.platform?.architecture
              : formatPlatform(d).replace(/^linux\//, ''),
          );
        log(this.#logger, 'info', `Architectures missing from the new image: ${names.join(', ')}`);
      }
      merged = addMissingArchitectures(src.list, missing);
    } else {
      if (dest === undefined && attempt === 1) {
        log(this.#logger, 'info', `Destination '${this.destImage}' does not exist`);
      }
      merged = selectArchitectures(src.list, dest?.list, mode.eligibleArchs, { match });
    }
    return finalizeList(merged, dest?.list, { dockerListConversion: this.#dockerListConversion });
  }

  /**
   * The bytes to push for `list`: the destination's own when the list equals it (unchanged),
   * the source's own when it equals the source, else canonical JSON.
   */
  #choose(list: ManifestList, src: Side, dest: Side | undefined): Planned {
    const unchanged = dest !== undefined && listsEqual(list, dest.list);
    let bytes: Uint8Array;
    let mediaType: string;
    if (unchanged && dest) {
      bytes = dest.fetched.bytes;
      mediaType = dest.fetched.mediaType;
    } else if (listsEqual(list, src.list)) {
      bytes = src.fetched.bytes;
      mediaType = src.fetched.mediaType;
    } else {
      bytes = serializeManifestList(list);
      mediaType = list.mediaType ?? src.fetched.mediaType;
    }
    return { list, bytes, digest: computeDigest(bytes), mediaType, unchanged };
  }

  #result(
    planned: Planned,
    src: Side,
    plan: MergePlan,
    run: RunOptions,
    attempts: number,
    pushed: boolean,
    extra: Partial<MergeResult>,
  ): MergeResult {
    return {
      manifestList: planned.list,
      bytes: planned.bytes,
      digest: planned.digest,
      mediaType: planned.mediaType,
      pushed,
      unchanged: planned.unchanged,
      dryRun: run.dryRun,
      ...namesBySide(src.list, planned.list),
      plan,
      childrenToCopy: [],
      attempts,
      ...extra,
    };
  }

  /**
   * Children of `list` the destination repository may lack (none within one repository);
   * entries in `present` are known to be there.
   */
  async #missingChildren(
    list: ManifestList,
    present: ReadonlySet<string>,
    ctx: ChildrenContext,
  ): Promise<ManifestDescriptor[]> {
    if (repositoryKey(this.srcImage) === repositoryKey(this.destImage)) return [];
    return findMissingChildren(list.manifests, present, ctx);
  }

  /**
   * The list another writer pushed (seen while our PUT was in flight), by digest; `undefined`
   * when it is not a list. A list that cannot be read any more means its entries may be lost.
   */
  async #readOtherWriter(
    client: RegistryClient,
    digest: string,
    signal: AbortSignal | undefined,
    attempt: number,
    atRisk: string[],
  ): Promise<ManifestList | undefined> {
    const image = withDigest(this.destImage, digest);
    let fetched: FetchedManifest | undefined;
    try {
      fetched = await unlessNotFound(() => client.getManifest(image, { signal }));
    } catch (error) {
      throw new ConflictError(this.destImage, attempt, {
        reason: 'unverifiable',
        platforms: atRisk,
        cause: error,
      });
    }
    if (fetched === undefined) {
      throw new ConflictError(this.destImage, attempt, {
        reason: 'unverifiable',
        platforms: atRisk,
      });
    }
    try {
      return parseManifestList(fetched.bytes);
    } catch {
      log(this.#logger, 'warn', `Another writer pushed ${digest}, which is not a list; ignored`);
      return undefined;
    }
  }

  /**
   * Reads the destination tag, timed. Absent on a not-found error, except a 401 (after
   * accepted credentials) for a merge that would push: unless the token grants pull (then the
   * registry says the repository is missing, as Quay does) or the caller vouched the tag is
   * new, that is a {@link DestinationUnreadableError}: a push would replace what it could
   * not read.
   */
  async #readDest(
    destClient: RegistryClient,
    signal: AbortSignal | undefined,
    unreadable: 'absent' | 'check',
  ): Promise<DestRead> {
    const sentAt = performance.now();
    try {
      const fetched = await destClient.getManifest(this.destImage, { signal });
      return {
        side: this.#parse('destination', this.destImage, fetched),
        observed: { digest: fetched.digest, sentAt, receivedAt: performance.now() },
      };
    } catch (error) {
      if (!isNotFoundError(error)) throw error;
      const absent: DestRead = {
        side: undefined,
        observed: { digest: undefined, sentAt, receivedAt: performance.now() },
      };
      const refused = statusOf(error) === 401;
      if (!refused || unreadable === 'absent') return absent;
      if ((error as { pullGranted?: unknown }).pullGranted === true) return absent;
      if (this.#newDestination) return { ...absent, unreadable: true };
      throw new DestinationUnreadableError(this.destImage, { cause: error });
    }
  }

  async #fetchBoth(
    srcClient: RegistryClient,
    destClient: RegistryClient,
    signal: AbortSignal | undefined,
    unreadable: 'absent' | 'check',
  ): Promise<[Side, DestRead, number]> {
    // One failing side aborts the other at once.
    const controller = new AbortController();
    const linked = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
    // The first failure is the one to report: the other side then fails only because it
    // was aborted.
    let firstError: { error: unknown } | undefined;
    const fail = (error: unknown): never => {
      firstError ??= { error };
      controller.abort(error);
      throw error;
    };
    const sentAt = performance.now();
    let srcRttMs = Number.POSITIVE_INFINITY;
    const srcPromise = srcClient
      .getManifest(this.srcImage, { signal: linked })
      .then((fetched) => {
        srcRttMs = performance.now() - sentAt;
        return this.#parse('source', this.srcImage, fetched);
      })
      .catch(fail);
    const destPromise = this.#readDest(destClient, linked, unreadable).catch(fail);
    // Settle both before deciding, so no request is left running behind a thrown error.
    const [srcResult, destResult] = await Promise.allSettled([srcPromise, destPromise]);
    if (firstError) throw firstError.error;
    if (srcResult.status === 'rejected') throw srcResult.reason;
    if (destResult.status === 'rejected') throw destResult.reason;
    return [srcResult.value, destResult.value, srcRttMs];
  }

  #parse(side: 'source' | 'destination', image: string, fetched: FetchedManifest): Side {
    try {
      return { fetched, list: parseManifestList(fetched.bytes) };
    } catch (error) {
      if (error instanceof InvalidManifestListError) {
        throw new InvalidManifestListError(
          `The ${side} image '${image}' is not a valid manifest list: ${error.message}`,
          error.field,
          error.reason,
          { cause: error },
        );
      }
      throw error;
    }
  }
}

/** Reads, a settle window apart, that a push waits for the tag to stay still under contention. */
const MAX_QUIET_CHECKS = 5;

function roundTrip(observed: TagObservation): number {
  return observed.receivedAt - observed.sentAt;
}

/** Jittered exponential back-off after a failed PUT: up to 50 ms × 2^(attempt-1), at most 1 s. */
function backoffMs(attempt: number): number {
  return Math.random() * Math.min(1000, 50 * 2 ** (attempt - 1));
}

/** The copy reports of every attempt as one (absent when nothing was copied). */
function mergedCopy(copies: readonly CopyReport[]): { copy?: CopyReport } {
  if (copies.length === 0) return {};
  return {
    copy: {
      manifests: copies.flatMap((c) => c.manifests),
      mountedBlobs: copies.reduce((n, c) => n + c.mountedBlobs, 0),
      uploadedBlobs: copies.reduce((n, c) => n + c.uploadedBlobs, 0),
      presentBlobs: copies.reduce((n, c) => n + c.presentBlobs, 0),
    },
  };
}
