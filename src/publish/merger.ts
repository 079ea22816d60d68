import { clientFromCredentials, rehost } from '../compat/pubtools-clients.js';
import { ClientsNotSetError } from '../errors/clients-not-set-error.js';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { parseImageReference } from '../manifest/reference.js';
import type { RegistryClient } from '../registry/client.js';
import {
  type ManifestListMergerOptions,
  type MergeCallOptions,
  type PublishSettings,
  type PushCallOptions,
  resolveCall,
  resolveSettings,
  type SelectCallOptions,
} from './options.js';
import { publish } from './pipeline.js';
import { pushList } from './push-list.js';
import { expectedDigest, pushableList } from './pushable-list.js';
import type { MergeMode } from './request.js';
import type { MergeResult } from './result.js';

/**
 * Merges a source manifest list into a destination tag over two injected
 * {@link RegistryClient}s: pubtools-quay's `ManifestListMerger`, platform-aware and safe to
 * publish with. Two modes, named as the CLI commands are:
 *
 * - merge, {@link ManifestListMerger.mergeManifestLists}: every source entry plus each
 *   destination entry whose platform the source lacks; pushed to the destination tag;
 * - select, {@link ManifestListMerger.mergeSelectedArchitectures}: only the eligible
 *   architectures from the source, every other entry kept from the destination (which may not
 *   exist); returned, and pushed only with `{ push: true }`.
 *
 * And a push of a list computed (and signed) earlier, byte for byte,
 * {@link ManifestListMerger.pushManifestList}.
 *
 * Before a push: children the destination lacks are copied; a list equal to the destination's
 * is not pushed (`outcome: 'unchanged'`); merges into one tag in this process run one at a
 * time; the destination is checked again before the PUT and read back after it, merging again
 * when another writer moved it (see docs/publishing.md).
 *
 * @example
 * ```ts
 * const merger = new ManifestListMerger({ srcImage, destImage, srcClient, destClient });
 * const { outcome, digest, fromSource, fromDestination } = await merger.mergeManifestLists();
 * ```
 */
export class ManifestListMerger {
  /** The source image reference (re-hosted when `srcHost`/`host` is given). */
  readonly srcImage: string;
  /** The destination image reference (re-hosted when `host` is given). */
  readonly destImage: string;
  #srcClient: RegistryClient | undefined;
  #destClient: RegistryClient | undefined;
  readonly #settings: PublishSettings;

  /**
   * @throws {InvalidReferenceError} when an image reference is malformed.
   * @throws {InvalidOptionError} when the destination is given by digest, or a numeric option
   *   is not a finite number in its range.
   */
  constructor(options: ManifestListMergerOptions) {
    this.srcImage = rehost(options.srcImage, options.srcHost ?? options.host);
    this.destImage = rehost(options.destImage, options.host);
    if (parseImageReference(this.destImage).digest !== undefined) {
      throw new InvalidOptionError({
        option: 'destImage',
        problem: `names a digest ('${this.destImage}'): merges push to a tag, give one (host/repo:tag)`,
      });
    }
    this.#settings = resolveSettings(options);
    this.#srcClient =
      options.srcClient ??
      clientFromCredentials(options.srcUsername, options.srcPassword, options.logger);
    this.#destClient =
      options.destClient ??
      clientFromCredentials(options.destUsername, options.destPassword, options.logger);
  }

  /**
   * Sets (or replaces) the source and destination clients, as pubtools-quay's
   * `set_quay_clients`.
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
   * The merge mode: fetches both lists concurrently, builds a list of every source entry plus
   * each destination entry whose platform the source lacks, and pushes it to the destination
   * tag (unless it equals the destination's, or `dryRun`).
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
   * const { outcome, digest, fromSource, fromDestination } = await merger.mergeManifestLists();
   * ```
   */
  async mergeManifestLists(options: MergeCallOptions = {}): Promise<MergeResult> {
    return this.#publish({ mode: 'merge' }, { ...options, push: true });
  }

  /**
   * The select mode: takes only the `eligibleArchs` from the source and keeps every other
   * entry of the destination, which may not exist (404, or 401 after valid credentials, means
   * absent; any other error propagates). Resolves the new list without pushing it unless
   * `push: true`.
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
   * // pubtools-quay's contract: compute the list, push nothing (sign it, upload it yourself).
   * const { manifestList, bytes, digest } = await merger.mergeSelectedArchitectures(['s390x']);
   * // Or push it; the destination may not exist yet.
   * await merger.mergeSelectedArchitectures(['amd64', 'arm64'], { push: true });
   * ```
   */
  async mergeSelectedArchitectures(
    eligibleArchs: readonly string[],
    options: SelectCallOptions = {},
  ): Promise<MergeResult> {
    return this.#publish({ mode: 'select', eligibleArchs }, options);
  }

  /**
   * Pushes the exact `bytes` of a manifest list to the destination tag: the list a select
   * returned (or wrote with `--output`), after its digest was signed. The digest pushed is
   * `sha256` of `bytes`, byte for byte: nothing is re-serialised, merged or put back.
   *
   * Before anything is written: the bytes are checked (at most 4 MiB, a valid list or index
   * naming its `mediaType`, a Docker list carrying nothing only an OCI index can); the tag is
   * read; with `expectDestinationDigest`, a tag holding another digest (or, for `null`, any)
   * is a {@link ConflictError}; children the destination repository lacks are copied from
   * the source repository, as a merge copies them. The source supplies children only: give
   * the destination itself as `srcImage` when there is no other repository to copy from, and
   * missing children are a {@link MissingChildrenError} (`no-source`).
   *
   * The PUT follows a merge's write protocol (If-Match / If-None-Match: *, settle, verify;
   * see docs/publishing.md), but the bytes are never changed: a tag that moved before the PUT
   * is a {@link ConflictError} (`moving`, nothing written), and entries lost to another writer
   * around it are one too (`overwritten`). A tag that already holds exactly these bytes is
   * `outcome: 'unchanged'`, and nothing is written (unless `force`). A merge and a push into
   * one tag in this process run one at a time.
   *
   * The result is a {@link MergeResult} (`'pushed'`, `'unchanged'` or `'dry-run'`): `plan`
   * compares the list with the tag it replaces; every entry counts as `fromSource`.
   *
   * @param bytes - the list's exact bytes (a `Buffer` is a `Uint8Array`); copied at once.
   * @throws {ClientsNotSetError} when a client is missing.
   * @throws {ManifestTooLargeError} past 4 MiB.
   * @throws {InvalidManifestListError} for bytes that are not a list naming its media type.
   * @throws {IncompatibleMediaTypeError} for a Docker list carrying what only an OCI index can.
   * @throws {InvalidOptionError} for an `expectDestinationDigest` that is not a digest or null.
   * @throws {ConflictError} for a tag that does not hold the expected digest
   *   (`unexpected-digest`), or that another writer moved (`moving`, `overwritten`).
   * @throws {MissingChildrenError} when children are missing and cannot be copied.
   * @throws {DestinationUnreadableError} for a tag these credentials cannot read (a 401),
   *   unless `newDestination`.
   * @throws whatever the clients throw otherwise.
   *
   * @example
   * ```ts
   * const computed = await merger.mergeSelectedArchitectures(['amd64', 'arm64']);
   * await sign(computed.digest);
   * const pushed = await merger.pushManifestList(computed.bytes, {
   *   expectDestinationDigest: computed.destinationDigest, // the tag has not moved since
   * });
   * pushed.digest === computed.digest; // true
   * ```
   */
  async pushManifestList(bytes: Uint8Array, options: PushCallOptions = {}): Promise<MergeResult> {
    if (!this.#srcClient || !this.#destClient) throw new ClientsNotSetError();
    const given = pushableList(bytes);
    const expected = expectedDigest(options.expectDestinationDigest);
    const { expectDestinationDigest: _, ...call } = options;
    return pushList({
      srcImage: this.srcImage,
      destImage: this.destImage,
      srcClient: this.#srcClient,
      destClient: this.#destClient,
      settings: this.#settings,
      call: resolveCall({ ...call, push: true }),
      given,
      expected,
    });
  }

  #publish(mode: MergeMode, call: SelectCallOptions): Promise<MergeResult> {
    if (!this.#srcClient || !this.#destClient) return Promise.reject(new ClientsNotSetError());
    return publish({
      mode,
      srcImage: this.srcImage,
      destImage: this.destImage,
      srcClient: this.#srcClient,
      destClient: this.#destClient,
      settings: this.#settings,
      call: resolveCall(call),
    });
  }
}
