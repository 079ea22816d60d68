import type { Descriptor, FetchedManifest } from '../manifest/types.js';

/** What {@link RegistryClient.headManifest} tells about a manifest without downloading it. */
export interface ManifestHead {
  /** The manifest's digest. */
  digest: string;
  /** Its media type, when the registry said. */
  mediaType: string | undefined;
  /** Its size in bytes, when the registry said. */
  size: number | undefined;
}

/** Options every {@link RegistryClient} call accepts. */
export interface RequestOptions {
  /** Aborts the call (and every retry and token request under it) at once. */
  signal?: AbortSignal;
}

/**
 * Options of {@link RegistryClient.putManifest}: preconditions (RFC 7232) for registries that
 * honour them. A registry that does not (CNCF distribution 2.8 ignores both) writes anyway;
 * one that does answers 412, which the client must throw as an error carrying `status` 412
 * (see {@link isPreconditionFailedError}).
 *
 * @example
 * ```ts
 * // Replace the tag only if it still holds the list read earlier:
 * await client.putManifest(tag, bytes, mediaType, { ifMatch: readDigest });
 * // Create the tag only if it does not exist yet:
 * await client.putManifest(tag, bytes, mediaType, { ifNoneMatch: '*' });
 * ```
 */
export interface PutManifestOptions extends RequestOptions {
  /**
   * Sent as `If-Match: "<digest>"`: write only if the tag still resolves to this digest.
   * @default undefined (no precondition)
   */
  ifMatch?: string;
  /**
   * Sent as `If-None-Match: *`: write only if the tag does not exist.
   * @default undefined (no precondition)
   */
  ifNoneMatch?: '*';
}

/**
 * What {@link ManifestListMerger} needs from a registry: fetch a manifest's exact bytes and
 * push exact bytes. Small on purpose, so any client (yours, authenticated your way) can be
 * wrapped in a few lines; {@link HttpRegistryClient} is the default implementation.
 *
 * `image` is a full image reference with its registry host: `quay.io/ns/app:1.0` or
 * `registry.example.com:5000/ns/app@sha256:…`.
 *
 * A "not found" must be signalled by throwing an error that carries `status` 404 (or 401,
 * which Quay answers for a missing repository), either as its own `status`/`statusCode`
 * property or as axios does (`error.response.status`); see {@link isNotFoundError}.
 *
 * @example
 * ```ts
 * const client: RegistryClient = {
 *   async getManifest(image, { signal } = {}) {
 *     const res = await myHttp.get(image, { signal });
 *     return { bytes: res.body, mediaType: res.contentType, digest: res.digest };
 *   },
 *   async putManifest(image, bytes, mediaType, { signal } = {}) {
 *     return (await myHttp.put(image, bytes, mediaType, { signal })).digest;
 *   },
 * };
 * ```
 */
export interface RegistryClient {
  /**
   * Fetches a manifest (by tag or digest) with its exact bytes, media type and digest.
   * Must throw a not-found error (see above) when there is no such manifest.
   */
  getManifest(image: string, options?: RequestOptions): Promise<FetchedManifest>;
  /**
   * Pushes `bytes` as they are, with `Content-Type: mediaType`, to `image` (a tag or a
   * digest reference) and resolves the digest the registry gave them.
   */
  putManifest(
    image: string,
    bytes: Uint8Array,
    mediaType: string,
    options?: PutManifestOptions,
  ): Promise<string>;
  /**
   * Optional: whether a manifest exists (its digest, media type, size) without downloading
   * it. Must throw a not-found error (see above) when there is none.
   */
  headManifest?(image: string, options?: RequestOptions): Promise<ManifestHead>;
  /**
   * Optional, for copying children: whether the repository of `image` (its tag or digest is
   * ignored) holds the blob `digest`.
   */
  hasBlob?(image: string, digest: string, options?: RequestOptions): Promise<boolean>;
  /**
   * Optional, for copying children on one registry: mounts blob `digest` from the repository
   * of `fromImage` into the repository of `image`. Resolves `true` when mounted, `false` when
   * the registry declined (the caller then uploads the blob).
   */
  mountBlob?(
    image: string,
    digest: string,
    fromImage: string,
    options?: RequestOptions,
  ): Promise<boolean>;
  /** Optional, for copying children across registries: streams blob `digest` out of the repository of `image`. */
  getBlob?(image: string, digest: string, options?: RequestOptions): Promise<BlobContent>;
  /**
   * Optional, for copying children across registries: uploads `blob` as `digest` into the
   * repository of `image`, streaming it (a whole layer is never held in memory), and fails
   * when the bytes do not hash to `digest`.
   */
  putBlob?(
    image: string,
    digest: string,
    blob: BlobContent,
    options?: RequestOptions,
  ): Promise<void>;
  /**
   * Optional: the OCI 1.1 referrers API, `GET /v2/<repository>/referrers/<digest>`: the
   * manifests in the repository of `image` (its tag or digest is ignored) whose `subject` is
   * `digest`. Resolves `undefined` (or throws a not-found error) when the registry has no
   * referrers API (it answers 404); the merger then reads the referrers tag schema
   * (`sha256-<hex>`) instead. A client without this method is taken as a registry without
   * the API.
   */
  listReferrers?(
    image: string,
    digest: string,
    options?: ListReferrersOptions,
  ): Promise<ReferrersAnswer | undefined>;
}

/** Options of {@link RegistryClient.listReferrers}. */
export interface ListReferrersOptions extends RequestOptions {
  /**
   * Ask only for referrers of this artifact type (`?artifactType=`). A registry that applied
   * the filter says so (`filtersApplied`); one that did not answers every referrer.
   * @default undefined (every referrer)
   */
  artifactType?: string;
}

/** What the referrers API answered: the referrers' descriptors, and the filters it applied. */
export interface ReferrersAnswer {
  /** One descriptor per manifest whose `subject` is the digest asked about. */
  manifests: Descriptor[];
  /** The filters the registry applied (its `OCI-Filters-Applied` header), e.g. `['artifactType']`. */
  filtersApplied: string[];
}

/** A blob being streamed: its size and its bytes, as any async iterable of chunks. */
export interface BlobContent {
  /** Size in bytes. */
  size: number;
  /** The bytes: a Node.js `Readable`, a web `ReadableStream` or any async iterable. */
  stream: AsyncIterable<Uint8Array>;
}

/** The HTTP status an error carries (`status`, `statusCode` or axios' `response.status`). */
export function statusOf(error: unknown): unknown {
  if (error === null || typeof error !== 'object') return undefined;
  const e = error as { status?: unknown; statusCode?: unknown; response?: { status?: unknown } };
  return e.status ?? e.statusCode ?? e.response?.status;
}

/**
 * True when an error thrown by a {@link RegistryClient} means "no such manifest": our own
 * `NotFoundError`, or any error carrying status 404 or 401 (`status`, `statusCode` or
 * axios-style `response.status`). An error that says it is about authentication
 * (`isAuthenticationFailure: true`, as our `AuthenticationError` does) is never "not found":
 * a failing login must not pass for a missing image.
 *
 * @example
 * ```ts
 * isNotFoundError({ status: 404 });                       // true
 * isNotFoundError({ response: { status: 401 } });         // true (axios-style; Quay's missing repository)
 * isNotFoundError({ status: 401, isAuthenticationFailure: true }); // false
 * isNotFoundError(new Error('ECONNRESET'));               // false
 * ```
 */
export function isNotFoundError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const flags = error as { isNotFound?: unknown; isAuthenticationFailure?: unknown };
  if (flags.isAuthenticationFailure === true) return false;
  if (flags.isNotFound === true) return true;
  const status = statusOf(error);
  return status === 404 || status === 401;
}

/**
 * True when an error thrown by {@link RegistryClient.putManifest} means "a precondition
 * failed": status 412, or `isPreconditionFailed: true`. Another writer changed the tag since
 * it was read.
 *
 * @example
 * ```ts
 * isPreconditionFailedError({ status: 412 }); // true
 * isPreconditionFailedError({ response: { status: 412 } }); // true (axios-style)
 * ```
 */
export function isPreconditionFailedError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  if ((error as { isPreconditionFailed?: unknown }).isPreconditionFailed === true) return true;
  return statusOf(error) === 412;
}
