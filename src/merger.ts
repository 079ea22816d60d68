import { ClientsNotSetError } from './errors/clients-not-set-error.js';
import { DestinationNotFoundError } from './errors/destination-not-found-error.js';
import { InvalidManifestListError } from './errors/invalid-manifest-list-error.js';
import { type Logger, log, silentLogger } from './logger.js';
import { parseManifestList } from './manifest/parse.js';
import { formatPlatform, isAttestation, type MatchMode } from './manifest/platform.js';
import { computeDigest, serializeManifestList } from './manifest/serialize.js';
import type { FetchedManifest, ManifestList } from './manifest/types.js';
import { entryKind } from './merge/entries.js';
import { listsEqual } from './merge/equality.js';
import { addMissingArchitectures, getMissingArchitectures } from './merge/mode-a.js';
import { selectArchitectures } from './merge/mode-b.js';
import { describeMerge, type MergePlan } from './merge/plan.js';
import { isNotFoundError, type RegistryClient } from './registry/client.js';

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
  /** The destination tag (`quay.io/ns/repo:tag`); merges push to it. */
  destImage: string;
  /** Client that reads the source. Set here or with `setClients()`. */
  srcClient?: RegistryClient;
  /** Client that reads and writes the destination. Set here or with `setClients()`. */
  destClient?: RegistryClient;
  /**
   * Receives the seed's four info lines per merge.
   * @default silent
   */
  logger?: Logger;
  /**
   * How entries are matched: `'platform'` (normalised os/arch/variant) or `'architecture'`
   * (the raw architecture string, exactly as pubtools-quay).
   * @default 'platform'
   */
  match?: MatchMode;
}

/** Options of one merge call. */
export interface MergeCallOptions {
  /** Aborts every request of the merge at once. */
  signal?: AbortSignal;
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
  /** The exact bytes that were (or would be) pushed. */
  bytes: Uint8Array;
  /** `sha256:` of `bytes`. */
  digest: string;
  /** Media type the bytes are pushed under. */
  mediaType: string;
  /** True when the list was pushed to the destination tag. */
  pushed: boolean;
  /** Platforms taken from the source (`linux/arm64`, …), in list order. */
  added: string[];
  /** Platforms kept from the destination, in list order. */
  kept: string[];
  /** The full classification: added, replaced, kept and removed entries with digests. */
  plan: MergePlan;
}

/** Names the result's images and artifacts (not attestations) by the side they came from. */
function namesBySide(src: ManifestList, list: ManifestList): { added: string[]; kept: string[] } {
  const fromSource = new Set(src.manifests.map((d) => d.digest));
  const added: string[] = [];
  const kept: string[] = [];
  for (const entry of list.manifests) {
    if (isAttestation(entry)) continue;
    (fromSource.has(entry.digest) ? added : kept).push(formatPlatform(entry));
  }
  return { added, kept };
}

interface Side {
  fetched: FetchedManifest;
  list: ManifestList;
}

/**
 * Merges a source manifest list into a destination tag over two injected
 * {@link RegistryClient}s: pubtools-quay's `ManifestListMerger`, platform-aware.
 *
 * - {@link mergeManifestLists} (Mode A): every source entry plus each destination entry whose
 *   platform the source lacks; pushed to the destination tag.
 * - {@link mergeSelectedArchitectures} (Mode B): only the eligible architectures from the
 *   source, every other entry kept from the destination (which may not exist); returned, and
 *   pushed only with `{ push: true }`.
 *
 * @example
 * ```ts
 * const merger = new ManifestListMerger({ srcImage, destImage, srcClient, destClient });
 * const { digest, added, kept } = await merger.mergeManifestLists();
 * ```
 */
export class ManifestListMerger {
  /** The source image reference. */
  readonly srcImage: string;
  /** The destination image reference. */
  readonly destImage: string;
  #srcClient: RegistryClient | undefined;
  #destClient: RegistryClient | undefined;
  readonly #logger: Logger;
  readonly #match: MatchMode;

  constructor(options: ManifestListMergerOptions) {
    this.srcImage = options.srcImage;
    this.destImage = options.destImage;
    this.#srcClient = options.srcClient;
    this.#destClient = options.destClient;
    this.#logger = options.logger ?? silentLogger;
    this.#match = options.match ?? 'platform';
  }

  /** Sets (or replaces) the source and destination clients, as the seed's `set_quay_clients`. */
  setClients(srcClient: RegistryClient, destClient: RegistryClient): void {
    this.#srcClient = srcClient;
    this.#destClient = destClient;
  }

  /**
   * Mode A: fetches both lists concurrently, builds a list of every source entry plus each
   * destination entry whose platform the source lacks, and pushes it to the destination tag.
   *
   * @throws {ClientsNotSetError} when a client is missing.
   * @throws {DestinationNotFoundError} when the destination does not exist.
   * @throws {InvalidManifestListError} when either side is not a valid list; nothing is pushed.
   */
  async mergeManifestLists(options: MergeCallOptions = {}): Promise<MergeResult> {
    const [srcClient, destClient] = this.#clients();
    log(
      this.#logger,
      'info',
      `Merging manifest lists of images '${this.srcImage}' and '${this.destImage}'`,
    );
    const [src, dest] = await this.#fetchBoth(srcClient, destClient, options.signal);
    if (dest === undefined) throw new DestinationNotFoundError(this.destImage);
    const missing = getMissingArchitectures(src.list, dest.list, { match: this.#match });
    log(
      this.#logger,
      'info',
      `Architectures missing from the new image: ${missing
        .filter((d) => entryKind(d) === 'image')
        .map((d) =>
          this.#match === 'architecture'
            ? (d.platform?.architecture ?? d.digest)
            : formatPlatform(d),
        )
        .join(', ')}`,
    );
    const list = addMissingArchitectures(src.list, missing);
    const result = await this.#publish(src, dest, list, true, destClient, options.signal);
    log(this.#logger, 'info', 'Merging manifests lists: complete.');
    return result;
  }

  /**
   * Mode B: takes only the `eligibleArchs` from the source and keeps every other entry of the
   * destination, which may not exist (404, or 401 after valid credentials, means absent; any
   * other error propagates). Resolves the new list without pushing it unless `push: true`.
   *
   * @throws {ClientsNotSetError} when a client is missing.
   * @throws {InvalidManifestListError} when either side is not a valid list; nothing is pushed.
   */
  async mergeSelectedArchitectures(
    eligibleArchs: readonly string[],
    options: SelectCallOptions = {},
  ): Promise<MergeResult> {
    const [srcClient, destClient] = this.#clients();
    log(
      this.#logger,
      'info',
      `Merging architectures ${eligibleArchs.join(', ')} of '${this.srcImage}' into '${this.destImage}'`,
    );
    const [src, dest] = await this.#fetchBoth(srcClient, destClient, options.signal);
    if (dest === undefined)
      log(this.#logger, 'info', `Destination '${this.destImage}' does not exist`);
    const list = selectArchitectures(src.list, dest?.list, eligibleArchs, { match: this.#match });
    const result = await this.#publish(
      src,
      dest,
      list,
      options.push === true,
      destClient,
      options.signal,
    );
    log(this.#logger, 'info', 'Merging manifests lists: complete.');
    return result;
  }

  #clients(): [RegistryClient, RegistryClient] {
    if (!this.#srcClient || !this.#destClient) throw new ClientsNotSetError();
    return [this.#srcClient, this.#destClient];
  }

  async #fetchBoth(
    srcClient: RegistryClient,
    destClient: RegistryClient,
    signal: AbortSignal | undefined,
  ): Promise<[Side, Side | undefined]> {
    // One failing side aborts the other at once.
    const controller = new AbortController();
    const linked = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
    const fail = (error: unknown): never => {
      controller.abort(error);
      throw error;
    };
    const srcPromise = srcClient
      .getManifest(this.srcImage, { signal: linked })
      .then((fetched) => this.#parse('source', this.srcImage, fetched))
      .catch(fail);
    const destPromise = destClient
      .getManifest(this.destImage, { signal: linked })
      .then(
        (fetched) => this.#parse('destination', this.destImage, fetched),
        (error: unknown) => {
          if (isNotFoundError(error)) return undefined;
          throw error;
        },
      )
      .catch(fail);
    // Settle both before deciding, so no request is left running behind a thrown error.
    const [srcResult, destResult] = await Promise.allSettled([srcPromise, destPromise]);
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

  async #publish(
    src: Side,
    dest: Side | undefined,
    list: ManifestList,
    push: boolean,
    destClient: RegistryClient,
    signal: AbortSignal | undefined,
  ): Promise<MergeResult> {
    // The source unchanged keeps its own bytes, so its digest survives the copy.
    const unchanged = listsEqual(list, src.list);
    const bytes = unchanged ? src.fetched.bytes : serializeManifestList(list);
    const mediaType = unchanged ? src.fetched.mediaType : (list.mediaType ?? src.fetched.mediaType);
    const digest = computeDigest(bytes);
    const plan = describeMerge(src.list, dest?.list, list, { match: this.#match });
    if (push) {
      log(this.#logger, 'info', `Uploading the new manifest list to '${this.destImage}'`);
      await destClient.putManifest(this.destImage, bytes, mediaType, { signal });
    }
    return {
      manifestList: list,
      bytes,
      digest,
      mediaType,
      pushed: push,
      ...namesBySide(src.list, list),
      plan,
    };
  }
}
