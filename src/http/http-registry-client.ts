import type { FetchedManifest } from '../manifest/types.js';
import type {
  BlobContent,
  ListReferrersOptions,
  ManifestHead,
  PutManifestOptions,
  ReferrersAnswer,
  RegistryClient,
  RequestOptions,
} from '../registry/client.js';
import { Blobs } from './blobs.js';
import { Manifests } from './manifests.js';
import { type HttpRegistryClientOptions, resolveOptions } from './options.js';
import { Referrers } from './referrers.js';
import type { RequestCounts } from './request-event.js';
import { Session } from './session.js';

/**
 * The default {@link RegistryClient}: the OCI distribution API over HTTPS (plain HTTP for
 * loopback and `insecure` hosts), with anonymous, Basic and Bearer-token authentication,
 * retries, timeouts, a deadline, size caps and digest checks. See
 * {@link HttpRegistryClientOptions} for the options and their defaults.
 *
 * Errors are typed: {@link NotFoundError} (404, or a 401 after accepted credentials),
 * {@link AuthenticationError}, {@link DigestMismatchError}, {@link ManifestTooLargeError},
 * `RequestTimeoutError`, `RequestAbortedError`, `InvalidDigestError`, and
 * {@link RegistryError} for the rest. None of them carries a password, token or
 * `Authorization` header: every secret the client holds is scrubbed, in every form it was
 * sent, from whatever a registry answers (error texts, echoed headers, URLs), and from every
 * log line. Invalid numeric options throw `InvalidOptionError` at construction.
 *
 * @example
 * ```ts
 * const client = new HttpRegistryClient({ username: 'me', password: process.env.PW });
 * const { bytes, mediaType, digest } = await client.getManifest('quay.io/ns/app:1.0');
 * await client.putManifest('quay.io/ns/app:1.0-copy', bytes, mediaType);
 * ```
 */
export class HttpRegistryClient implements RegistryClient {
  // True private fields: `util.inspect` and `JSON.stringify` never see them (nor the
  // credentials the session's credential chain holds).
  readonly #session: Session;
  readonly #manifests: Manifests;
  readonly #blobs: Blobs;
  readonly #referrers: Referrers;

  /**
   * @throws {InvalidOptionError} when a numeric option is not a finite number in its range
   *   (`timeout`, `deadline`, `maxManifestBytes`, `retry.*`); see {@link HttpRegistryClientOptions}.
   */
  constructor(options: HttpRegistryClientOptions = {}) {
    const resolved = resolveOptions(options);
    this.#session = new Session(resolved);
    this.#manifests = new Manifests(this.#session, resolved.maxManifestBytes);
    this.#blobs = new Blobs(this.#session);
    this.#referrers = new Referrers(this.#session, resolved.maxManifestBytes);
  }

  /** How many requests this client has sent so far, by kind (retries and redirects included). */
  get requestCounts(): Readonly<RequestCounts> {
    return { ...this.#session.counts };
  }

  /**
   * Fetches a manifest by tag or digest: its exact bytes, media type (Content-Type without
   * parameters, else the body's `mediaType`) and digest. The bytes are checked against
   * `docker-content-digest` and against the digest asked for, each with its own algorithm
   * (sha256 or sha512).
   *
   * @throws {NotFoundError} for a 404, or a 401 after valid credentials were accepted.
   * @throws {DigestMismatchError} when the bytes do not match a digest.
   * @throws {ManifestTooLargeError} past `maxManifestBytes`.
   * @throws {InvalidDigestError} for a digest (asked for, or in the header) of another algorithm.
   * @example
   * ```ts
   * const { bytes, mediaType, digest } = await client.getManifest('localhost:5000/ns/app:1.0');
   * ```
   */
  getManifest(image: string, options: RequestOptions = {}): Promise<FetchedManifest> {
    return this.#manifests.get(image, options);
  }

  /**
   * Whether a manifest exists, and its digest, media type and size, without downloading it
   * (HEAD; a GET when the registry answers 405, or gives no digest for a tag).
   *
   * @throws {NotFoundError} when there is no such manifest.
   * @example
   * ```ts
   * const { digest } = await client.headManifest('quay.io/ns/app:1.0');
   * ```
   */
  headManifest(image: string, options: RequestOptions = {}): Promise<ManifestHead> {
    return this.#manifests.head(image, options);
  }

  /**
   * Pushes `bytes` exactly as given with `Content-Type: mediaType` to a tag or digest
   * reference, and resolves the digest. The registry's `docker-content-digest` must equal the
   * bytes' sha256. Asks for a `pull,push` token. A PUT by digest is retried like every other
   * request (it is idempotent); a PUT to a tag is sent once, never retried: a retry that lands
   * late could replace a newer list, so the caller reads the tag again instead (the merger
   * does). `ifMatch` / `ifNoneMatch` are sent as `If-Match: "<digest>"` / `If-None-Match: *`.
   *
   * @throws {PreconditionFailedError} when the registry honours a precondition that failed (412).
   * @throws {DigestMismatchError} when the reference's digest or the registry's answer differs.
   * @throws {ManifestTooLargeError} when `bytes` is larger than `maxManifestBytes`.
   * @example
   * ```ts
   * const digest = await client.putManifest('quay.io/ns/app:1.0', bytes, OCI_IMAGE_INDEX);
   * ```
   */
  putManifest(
    image: string,
    bytes: Uint8Array,
    mediaType: string,
    options: PutManifestOptions = {},
  ): Promise<string> {
    return this.#manifests.put(image, bytes, mediaType, options);
  }

  /**
   * Whether the repository of `image` holds blob `digest` (HEAD). A registry that refuses
   * the repository after accepting the credentials (Quay's missing repository) counts as
   * "no".
   *
   * @example
   * ```ts
   * await client.hasBlob('quay.io/ns/app', 'sha256:…'); // true
   * ```
   */
  hasBlob(image: string, digest: string, options: RequestOptions = {}): Promise<boolean> {
    return this.#blobs.has(image, digest, options);
  }

  /**
   * Mounts blob `digest` from the repository of `fromImage` into the repository of `image`
   * on the same registry (`POST /v2/<repo>/blobs/uploads/?mount=…&from=…`, one token for
   * push on the target and pull on the source). Resolves `true` when mounted (201), `false`
   * when the registry declined (202) or the images are on different registries.
   *
   * @example
   * ```ts
   * await client.mountBlob('quay.io/ns/dest', 'sha256:…', 'quay.io/ns/src');
   * ```
   */
  mountBlob(
    image: string,
    digest: string,
    fromImage: string,
    options: RequestOptions = {},
  ): Promise<boolean> {
    return this.#blobs.mount(image, digest, fromImage, options);
  }

  /**
   * Streams blob `digest` out of the repository of `image` (following a redirect to storage
   * without `Authorization`). The stream is hashed with the digest's own algorithm as it
   * flows; when the bytes are not `digest` it fails with {@link DigestMismatchError} instead
   * of ending, and its last chunk is held back, so an upload fed from it never completes.
   *
   * The stream never raises an unhandled `'error'`: a failure while nobody reads it yet (a
   * small tampered blob read ahead while the upload starts) stays on the stream and is
   * thrown to whoever reads it, or by `putBlob`. No bytes for `timeout` while it is read →
   * `RequestTimeoutError`; a connection dropped mid-body → `RegistryError` `NETWORK_ERROR`.
   * The deadline and the signal cover the request and the reading.
   *
   * @throws {InvalidDigestError} before any request for a malformed digest or another algorithm.
   * @example
   * ```ts
   * const { size, stream } = await client.getBlob('quay.io/ns/app', 'sha256:…');
   * ```
   */
  getBlob(image: string, digest: string, options: RequestOptions = {}): Promise<BlobContent> {
    return this.#blobs.get(image, digest, options);
  }

  /**
   * Uploads `blob` as `digest` into the repository of `image`: `POST` an upload, then one
   * streamed `PUT …?digest=` (monolithic; the bytes are never held whole in memory). The
   * registry checks the digest; its answer must name the same digest. The upload itself is
   * not retried (a stream is sent once); its idle timeout is `timeout` between chunks sent
   * (and until the answer), the deadline and the signal apply.
   *
   * When `blob` fails (a {@link DigestMismatchError} from {@link getBlob}, its own timeout),
   * that error is thrown as it is and the upload is never completed: nothing is pushed.
   *
   * @throws {InvalidDigestError} before any request for a malformed digest or another algorithm.
   * @example
   * ```ts
   * await client.putBlob('quay.io/ns/dest', digest, await other.getBlob('ghcr.io/ns/src', digest));
   * ```
   */
  putBlob(
    image: string,
    digest: string,
    blob: BlobContent,
    options: RequestOptions = {},
  ): Promise<void> {
    return this.#blobs.put(image, digest, blob, options);
  }

  /**
   * The OCI 1.1 referrers API: `GET /v2/<repository>/referrers/<digest>` (`?artifactType=`
   * when asked), the descriptors of the manifests in the repository of `image` whose
   * `subject` is `digest`, every page followed (`Link: <…>; rel="next"`, at most 32), each
   * page capped at `maxManifestBytes`. `filtersApplied` is the registry's
   * `OCI-Filters-Applied` header: without `artifactType` in it, the answer is not filtered.
   * Resolves `undefined` when the registry answers 404: it has no referrers API (CNCF
   * distribution 2.8 has none).
   *
   * @throws {RegistryError} for an answer that is not an image index, or past 32 pages.
   * @throws {InvalidDigestError} before any request for a malformed digest or another algorithm.
   * @example
   * ```ts
   * const answer = await client.listReferrers('ghcr.io/ns/app', digest, {
   *   artifactType: 'application/spdx+json',
   * });
   * if (answer === undefined) console.log('no referrers API: read the sha256-<hex> tag');
   * ```
   */
  listReferrers(
    image: string,
    digest: string,
    options: ListReferrersOptions = {},
  ): Promise<ReferrersAnswer | undefined> {
    return this.#referrers.list(image, digest, options);
  }

  /** A credential-free description for logs. */
  toJSON(): Record<string, unknown> {
    return { name: 'HttpRegistryClient', requestCounts: this.requestCounts };
  }

  /** `util.inspect` shows only {@link toJSON}. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `HttpRegistryClient ${JSON.stringify(this.toJSON())}`;
  }

  /** Closes idle keep-alive connections. The client stays usable. */
  close(): void {
    this.#session.close();
  }

  /** Forgets cached tokens and challenges (the next request authenticates afresh). */
  clearAuthCache(): void {
    this.#session.clearAuth();
  }
}
