import { ClientsNotSetError } from './errors/clients-not-set-error.js';
import { ConflictError } from './errors/conflict-error.js';
import { DestinationNotFoundError } from './errors/destination-not-found-error.js';
import { DigestMismatchError } from './errors/digest-mismatch-error.js';
import { InvalidManifestListError } from './errors/invalid-manifest-list-error.js';
import { InvalidOptionError } from './errors/invalid-option-error.js';
import { MissingChildrenError } from './errors/missing-children-error.js';
import { type Logger, log, silentLogger } from './logger.js';
import { parseManifestList } from './manifest/parse.js';
import { formatPlatform, type MatchMode } from './manifest/platform.js';
import { computeDigest, serializeManifestList } from './manifest/serialize.js';
import type { FetchedManifest, ManifestList } from './manifest/types.js';
import { entryKind } from './merge/entries.js';
import { listsEqual } from './merge/equality.js';
import { type DockerListConversion, finalizeList } from './merge/finalize.js';
import { addMissingArchitectures, getMissingArchitectures } from './merge/mode-a.js';
import { selectArchitectures } from './merge/mode-b.js';
import { describeMerge, type MergePlan } from './merge/plan.js';
import { type CopyReport, copyChildren, findMissingChildren } from './publish/children.js';
import { repositoryOf, tagKey } from './publish/references.js';
import { withTagLock } from './publish/tag-lock.js';
import { isNotFoundError, type RegistryClient } from './registry/client.js';
import { HttpRegistryClient } from './registry/http-registry-client.js';
import { parseImageReference } from './registry/reference.js';

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
   * A Docker manifest list that would name OCI manifests or carry annotations, subject or
   * artifactType becomes an OCI image index (`'oci-index'`), or is refused (`'error'`).
   * @default 'oci-index'
   */
  dockerListConversion?: DockerListConversion;
  /**
   * Guard against other writers: check the destination digest again just before the PUT and
   * read the tag back after it, re-merging when it moved. `false` saves two requests per push
   * and gives up that protection (merges in this process are still serialised per tag).
   * @default true
   */
  guardConcurrentWrites?: boolean;
  /**
   * Read-merge-write rounds before a {@link ConflictError}.
   * @default 5
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
}

interface Side {
  fetched: FetchedManifest;
  list: ManifestList;
}

type Mode = { kind: 'all' } | { kind: 'select'; eligibleArchs: readonly string[] };

interface RunOptions {
  signal: AbortSignal | undefined;
  dryRun: boolean;
  force: boolean;
  push: boolean;
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
 * The seed-compatible client of one side: an {@link HttpRegistryClient} with these
 * credentials when both are given, else `undefined`.
 */
export function clientFromCredentials(
  username: string | undefined,
  password: string | undefined,
  logger: Logger | undefined,
): HttpRegistryClient | undefined {
  if (username === undefined || password === undefined) return undefined;
  return new HttpRegistryClient({ username, password, logger });
}

function rehost(image: string, host: string | undefined): string {
  if (host === undefined) return image;
  const ref = parseImageReference(image);
  return `${host}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
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
  readonly #dockerListConversion: DockerListConversion;
  readonly #guard: boolean;
  readonly #maxAttempts: number;

  /**
   * @throws {InvalidReferenceError} when an image reference is malformed.
   * @throws {InvalidOptionError} when the destination is given by digest.
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
    this.#copyConcurrency = Math.max(1, options.copyConcurrency ?? 4);
    this.#dockerListConversion = options.dockerListConversion ?? 'oci-index';
    this.#guard = options.guardConcurrentWrites ?? true;
    this.#maxAttempts = Math.max(1, options.maxAttempts ?? 5);
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
    log(
      this.#logger,
      'info',
      `Merging manifest lists of images '${this.srcImage}' and '${this.destImage}'`,
    );
    return this.#run(
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
    log(
      this.#logger,
      'info',
      `Merging architectures ${eligibleArchs.join(', ')} of '${this.srcImage}' into '${this.destImage}'`,
    );
    return this.#run(
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

  async #run(mode: Mode, run: RunOptions): Promise<MergeResult> {
    const [srcClient, destClient] = this.#clients();
    const writes = run.push && !run.dryRun;
    const body = async (): Promise<MergeResult> => {
      let [src, dest] = await this.#fetchBoth(srcClient, destClient, run.signal);
      for (let attempt = 1; ; attempt++) {
        const outcome = await this.#attempt(mode, run, src, dest, srcClient, destClient, attempt);
        if (outcome !== 'moved') {
          log(this.#logger, 'info', 'Merging manifests lists: complete.');
          return outcome;
        }
        if (attempt >= this.#maxAttempts) throw new ConflictError(this.destImage, attempt);
        log(
          this.#logger,
          'warn',
          `Destination '${this.destImage}' changed during the merge; merging again`,
        );
        dest = await this.#fetchDest(destClient, run.signal);
      }
    };
    // Merges that write one tag run one at a time in this process.
    return writes ? withTagLock(tagKey(this.destImage), body) : body();
  }

  async #attempt(
    mode: Mode,
    run: RunOptions,
    src: Side,
    dest: Side | undefined,
    srcClient: RegistryClient,
    destClient: RegistryClient,
    attempt: number,
  ): Promise<MergeResult | 'moved'> {
    const match = this.#match;
    let merged: ManifestList;
    if (mode.kind === 'all') {
      if (dest === undefined) throw new DestinationNotFoundError(this.destImage);
      const missing = getMissingArchitectures(src.list, dest.list, { match });
      if (attempt === 1) {
        // The seed's words: bare architectures (`s390x`); a variant or another OS is named too.
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
    const list = finalizeList(merged, dest?.list, {
      dockerListConversion: this.#dockerListConversion,
    });

    // The source unchanged keeps its own bytes (and digest); an unchanged destination too.
    const sameAsSource = listsEqual(list, src.list);
    const unchanged = dest !== undefined && listsEqual(list, dest.list);
    let bytes: Uint8Array;
    let mediaType: string;
    if (unchanged && dest) {
      bytes = dest.fetched.bytes;
      mediaType = dest.fetched.mediaType;
    } else if (sameAsSource) {
      bytes = src.fetched.bytes;
      mediaType = src.fetched.mediaType;
    } else {
      bytes = serializeManifestList(list);
      mediaType = list.mediaType ?? src.fetched.mediaType;
    }
    const digest = computeDigest(bytes);
    const base = {
      manifestList: list,
      bytes,
      digest,
      mediaType,
      unchanged,
      dryRun: run.dryRun,
      ...namesBySide(src.list, list),
      plan: describeMerge(src.list, dest?.list, list, { match }),
      attempts: attempt,
    };
    if (unchanged && !run.force) {
      if (run.push && !run.dryRun)
        log(this.#logger, 'info', `'${this.destImage}' already holds this list; nothing to push`);
      return { ...base, pushed: false, childrenToCopy: [] };
    }

    // Children: what the destination repository lacks. Entries the destination list already
    // names are there (the registry accepted that list); one repository needs no copies.
    const ctx = {
      srcClient,
      srcImage: this.srcImage,
      destClient,
      destImage: this.destImage,
      concurrency: this.#copyConcurrency,
      signal: run.signal,
    };
    const known = new Set(dest?.list.manifests.map((d) => d.digest));
    const checkChildren =
      (run.push || run.dryRun) && repositoryOf(this.srcImage) !== repositoryOf(this.destImage);
    const missingChildren = checkChildren
      ? await findMissingChildren(list.manifests, known, ctx)
      : [];
    const childrenToCopy = missingChildren.map((d) => d.digest);
    if (!run.push || run.dryRun) return { ...base, pushed: false, childrenToCopy };
    if (missingChildren.length > 0 && !this.#copyChildren) {
      throw new MissingChildrenError(this.destImage, childrenToCopy);
    }
    const copy = missingChildren.length > 0 ? await copyChildren(missingChildren, ctx) : undefined;

    if (this.#guard) {
      const current = await this.#currentDigest(destClient, run.signal);
      if (current !== dest?.fetched.digest) return 'moved';
    }
    log(this.#logger, 'info', `Uploading the new manifest list to '${this.destImage}'`);
    const returned = await destClient.putManifest(this.destImage, bytes, mediaType, {
      signal: run.signal,
    });
    if (typeof returned === 'string' && returned !== '' && returned !== digest) {
      throw new DigestMismatchError(
        `The registry stored '${this.destImage}' under another digest`,
        {
          expected: digest,
          actual: returned,
          source: 'push-response',
          method: 'PUT',
        },
      );
    }
    if (this.#guard) {
      const after = await this.#currentDigest(destClient, run.signal);
      // Another writer replaced our list after the PUT: merge into theirs so that what this
      // merge promised is present.
      if (after !== digest) return 'moved';
    }
    return { ...base, pushed: true, childrenToCopy, ...(copy ? { copy } : {}) };
  }

  async #currentDigest(
    client: RegistryClient,
    signal: AbortSignal | undefined,
  ): Promise<string | undefined> {
    try {
      if (client.headManifest)
        return (await client.headManifest(this.destImage, { signal })).digest;
      return (await client.getManifest(this.destImage, { signal })).digest;
    } catch (error) {
      if (isNotFoundError(error)) return undefined;
      throw error;
    }
  }

  async #fetchDest(
    destClient: RegistryClient,
    signal: AbortSignal | undefined,
  ): Promise<Side | undefined> {
    try {
      return this.#parse(
        'destination',
        this.destImage,
        await destClient.getManifest(this.destImage, { signal }),
      );
    } catch (error) {
      if (isNotFoundError(error)) return undefined;
      throw error;
    }
  }

  async #fetchBoth(
    srcClient: RegistryClient,
    destClient: RegistryClient,
    signal: AbortSignal | undefined,
  ): Promise<[Side, Side | undefined]> {
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
    const srcPromise = srcClient
      .getManifest(this.srcImage, { signal: linked })
      .then((fetched) => this.#parse('source', this.srcImage, fetched))
      .catch(fail);
    const destPromise = this.#fetchDest(destClient, linked).catch(fail);
    // Settle both before deciding, so no request is left running behind a thrown error.
    const [srcResult, destResult] = await Promise.allSettled([srcPromise, destPromise]);
    if (firstError) throw firstError.error;
    if (srcResult.status === 'rejected') throw srcResult.reason;
    if (destResult.status === 'rejected') throw destResult.reason;
    return [srcResult.value, destResult.value];
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
