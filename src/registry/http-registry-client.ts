import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { AuthenticationError } from '../errors/authentication-error.js';
import { DigestMismatchError } from '../errors/digest-mismatch-error.js';
import { ManifestTooLargeError } from '../errors/manifest-too-large-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { PreconditionFailedError } from '../errors/precondition-failed-error.js';
import { RegistryError } from '../errors/registry-error.js';
import { MediaTypes, normalizeMediaType } from '../manifest/media-types.js';
import type { FetchedManifest } from '../manifest/types.js';
import { Authenticator, type Authorization, type AuthTarget } from './auth/authenticator.js';
import { createCredentialChain } from './auth/credentials/credential-chain.js';
import { repositoryScope } from './auth/scope.js';
import { grantedActions } from './auth/token-claims.js';
import type {
  BlobContent,
  ManifestHead,
  PutManifestOptions,
  RegistryClient,
  RequestOptions,
} from './client.js';
import { CallContext } from './http/call-context.js';
import { writeLog } from './http/logger.js';
import type { RequestCounts } from './http/request-event.js';
import { Transport, type TransportResponse } from './http/transport.js';
import {
  DEFAULT_DEADLINE_MS,
  DEFAULT_MAX_MANIFEST_BYTES,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_USER_AGENT,
  type HttpRegistryClientOptions,
} from './http-registry-client-options.js';
import {
  type ImageReference,
  isLoopbackHost,
  parseImageReference,
  splitHostPort,
} from './reference.js';
import { resolveRetryPolicy } from './retry/retry-policy.js';

const ACCEPT_MANIFESTS = MediaTypes.ALL_MANIFESTS.join(', ');
const GENERIC_CONTENT_TYPES = new Set([
  '',
  'application/json',
  'text/plain',
  'application/octet-stream',
]);
/** Error bodies (e.g. one `MANIFEST_BLOB_UNKNOWN` per missing child) are read up to 1 MiB. */
const MAX_ERROR_BODY_BYTES = 1024 * 1024;

/** One registry API request, before authorisation. */
export interface RegistryRequest {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST';
  /**
   * The path after the API root, e.g. `/v2/ns/app/manifests/1.0`, or an absolute URL (an
   * upload location). `Authorization` goes only to the registry's own origin.
   */
  path: string;
  /** Scope actions needed on `ref.repository`: `['pull']` or `['pull', 'push']`. */
  actions: readonly string[];
  /** More token scopes, e.g. `repository:other/repo:pull` for a cross-repository mount. */
  extraScopes?: readonly string[];
  headers?: Record<string, string>;
  /** The body; a `Readable` is sent once (no retry, no re-authentication). */
  body?: Uint8Array | Readable;
  /** Largest response body accepted (error bodies only, for `stream`). */
  maxBytes: number;
  /** Hand a 2xx body back as a stream. */
  stream?: boolean;
  /** `false`: sent once, never retried. */
  retry?: boolean;
}

/**
 * The default {@link RegistryClient}: the OCI distribution API over HTTPS (plain HTTP for
 * loopback and `insecure` hosts), with anonymous, Basic and Bearer-token authentication,
 * retries, timeouts, a deadline, size caps and digest checks. See
 * {@link HttpRegistryClientOptions} for the options and their defaults.
 *
 * Errors are typed: {@link NotFoundError} (404, or a 401 after accepted credentials),
 * {@link AuthenticationError}, {@link DigestMismatchError}, {@link ManifestTooLargeError},
 * `RequestTimeoutError`, `RequestAbortedError`, and {@link RegistryError} for the rest.
 * None of them carries a password, token or `Authorization` header.
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
  // credentials the authenticator's credential chain holds).
  readonly #transport: Transport;
  readonly #auth: Authenticator;
  readonly #insecure: ReadonlySet<string>;
  readonly #maxManifestBytes: number;
  readonly #deadlineMs: number | undefined;
  readonly #logger: HttpRegistryClientOptions['logger'];

  constructor(options: HttpRegistryClientOptions = {}) {
    this.#logger = options.logger;
    this.#insecure = new Set((options.insecure ?? []).map((h) => h.toLowerCase()));
    this.#maxManifestBytes = positive(options.maxManifestBytes, DEFAULT_MAX_MANIFEST_BYTES);
    const deadline = options.deadline ?? DEFAULT_DEADLINE_MS;
    this.#deadlineMs = deadline > 0 && Number.isFinite(deadline) ? deadline : undefined;
    this.#transport = new Transport({
      timeoutMs: positive(options.timeout, DEFAULT_TIMEOUT_MS),
      retry: resolveRetryPolicy(options.retry),
      userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
      ca: options.ca,
      logger: options.logger,
      onRequest: options.onRequest,
    });
    this.#auth = new Authenticator({
      transport: this.#transport,
      credentials: createCredentialChain({
        username: options.username,
        password: options.password,
        credentials: options.credentials,
        dockerConfig: options.dockerConfig,
        env: options.env,
      }),
      plainHttpAllowed: (host) => this.isPlainHttp(host),
      logger: options.logger,
      clientId: options.userAgent ?? DEFAULT_USER_AGENT,
    });
  }

  /** How many requests this client has sent so far, by kind (retries and redirects included). */
  get requestCounts(): Readonly<RequestCounts> {
    return { ...this.#transport.counts };
  }

  /**
   * Fetches a manifest by tag or digest: its exact bytes, media type (Content-Type without
   * parameters, else the body's `mediaType`) and digest. The bytes' sha256 is checked against
   * `docker-content-digest` and against the digest asked for.
   *
   * @throws {NotFoundError} for a 404, or a 401 after valid credentials were accepted.
   * @throws {DigestMismatchError} when the bytes do not match a digest.
   * @throws {ManifestTooLargeError} past `maxManifestBytes`.
   * @example
   * ```ts
   * const { bytes, mediaType, digest } = await client.getManifest('localhost:5000/ns/app:1.0');
   * ```
   */
  async getManifest(image: string, options: RequestOptions = {}): Promise<FetchedManifest> {
    const ref = parseImageReference(image);
    return this.withCall(options, async (ctx) => {
      const path = manifestPath(ref);
      const { response, url } = await this.request(
        ref,
        {
          method: 'GET',
          path,
          actions: ['pull'],
          headers: { Accept: ACCEPT_MANIFESTS },
          maxBytes: this.#maxManifestBytes,
        },
        ctx,
      );
      const bytes = new Uint8Array(
        response.body.buffer,
        response.body.byteOffset,
        response.body.byteLength,
      );
      const digest = this.checkDigests(ref, bytes, response, url);
      return { bytes, mediaType: mediaTypeOf(response, bytes), digest };
    });
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
  async headManifest(image: string, options: RequestOptions = {}): Promise<ManifestHead> {
    const ref = parseImageReference(image);
    const head = await this.withCall(options, async (ctx) => {
      const path = manifestPath(ref);
      const { response } = await this.request(
        ref,
        {
          method: 'HEAD',
          path,
          actions: ['pull'],
          headers: { Accept: ACCEPT_MANIFESTS },
          maxBytes: MAX_ERROR_BODY_BYTES,
        },
        ctx,
        [405],
      );
      if (response.status === 405) return undefined;
      const digest = response.headers['docker-content-digest'] ?? ref.digest;
      if (digest === undefined) return undefined;
      if (ref.digest !== undefined && digest !== ref.digest) return undefined; // trust bytes, not headers
      const length = Number(response.headers['content-length']);
      const contentType = normalizeMediaType(response.headers['content-type'] ?? '');
      return {
        digest,
        mediaType: GENERIC_CONTENT_TYPES.has(contentType) ? undefined : contentType,
        size:
          Number.isFinite(length) && response.headers['content-length'] !== undefined
            ? length
            : undefined,
      } satisfies ManifestHead;
    });
    if (head) return head;
    const fetched = await this.getManifest(image, options);
    return { digest: fetched.digest, mediaType: fetched.mediaType, size: fetched.bytes.byteLength };
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
  async putManifest(
    image: string,
    bytes: Uint8Array,
    mediaType: string,
    options: PutManifestOptions = {},
  ): Promise<string> {
    const ref = parseImageReference(image);
    const digest = digestOf(bytes, ref.digest);
    const preconditions: Record<string, string> = {
      ...(options.ifMatch !== undefined ? { 'If-Match': `"${options.ifMatch}"` } : {}),
      ...(options.ifNoneMatch !== undefined ? { 'If-None-Match': options.ifNoneMatch } : {}),
    };
    const url = this.urlFor(ref, manifestPath(ref));
    if (bytes.byteLength > this.#maxManifestBytes) {
      throw new ManifestTooLargeError(
        `The manifest for ${ref} is ${bytes.byteLength} bytes, more than the limit of ${this.#maxManifestBytes}`,
        this.#maxManifestBytes,
        { method: 'PUT', url },
      );
    }
    if (ref.digest !== undefined && digest !== ref.digest) {
      throw new DigestMismatchError(`The bytes pushed to ${ref} have digest ${digest}`, {
        expected: ref.digest,
        actual: digest,
        source: 'reference',
        method: 'PUT',
        url,
      });
    }
    return this.withCall(options, async (ctx) => {
      const { response, url: finalUrl } = await this.request(
        ref,
        {
          method: 'PUT',
          path: manifestPath(ref),
          actions: ['pull', 'push'],
          headers: { 'Content-Type': mediaType, ...preconditions },
          body: bytes,
          maxBytes: MAX_ERROR_BODY_BYTES,
          ...(ref.digest === undefined ? { retry: false } : {}),
        },
        ctx,
      );
      const answered = response.headers['docker-content-digest'];
      if (answered !== undefined && answered !== digestOf(bytes, answered)) {
        throw new DigestMismatchError(
          `The registry stored the manifest pushed to ${ref} as ${answered}, but its bytes have digest ${digest}`,
          {
            expected: digest,
            actual: answered,
            source: 'push-response',
            method: 'PUT',
            url: finalUrl,
          },
        );
      }
      writeLog(this.#logger, 'debug', `Pushed ${mediaType} ${digest} to ${ref}`);
      return digest;
    });
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
  async hasBlob(image: string, digest: string, options: RequestOptions = {}): Promise<boolean> {
    const ref = parseImageReference(image);
    return this.withCall(options, async (ctx) => {
      try {
        const { response } = await this.request(
          ref,
          {
            method: 'HEAD',
            path: blobPath(ref, digest),
            actions: ['pull'],
            maxBytes: MAX_ERROR_BODY_BYTES,
          },
          ctx,
          [404],
        );
        return response.status !== 404;
      } catch (error) {
        if (error instanceof NotFoundError) return false;
        throw error;
      }
    });
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
  async mountBlob(
    image: string,
    digest: string,
    fromImage: string,
    options: RequestOptions = {},
  ): Promise<boolean> {
    const ref = parseImageReference(image);
    const from = parseImageReference(fromImage);
    if (from.apiHost !== ref.apiHost) return false;
    return this.withCall(options, async (ctx) => {
      const query = new URLSearchParams({ mount: digest, from: from.repository });
      const { response } = await this.request(
        ref,
        {
          method: 'POST',
          path: `/v2/${ref.repository}/blobs/uploads/?${query}`,
          actions: ['pull', 'push'],
          extraScopes:
            from.repository === ref.repository ? [] : [repositoryScope(from.repository, ['pull'])],
          headers: { 'Content-Length': '0' },
          maxBytes: MAX_ERROR_BODY_BYTES,
        },
        ctx,
      );
      return response.status === 201;
    });
  }

  /**
   * Streams blob `digest` out of the repository of `image` (following a redirect to storage
   * without `Authorization`). The stream fails with {@link DigestMismatchError} at its end
   * when the bytes do not hash to `digest`. The deadline covers the request, not the
   * reading; the signal covers both.
   *
   * @example
   * ```ts
   * const { size, stream } = await client.getBlob('quay.io/ns/app', 'sha256:…');
   * ```
   */
  async getBlob(image: string, digest: string, options: RequestOptions = {}): Promise<BlobContent> {
    const ref = parseImageReference(image);
    const ctx = new CallContext(options.signal, this.#deadlineMs);
    try {
      ctx.throwIfAborted();
      const { response, url } = await this.request(
        ref,
        {
          method: 'GET',
          path: blobPath(ref, digest),
          actions: ['pull'],
          maxBytes: MAX_ERROR_BODY_BYTES,
          stream: true,
        },
        ctx,
      );
      ctx.releaseDeadline();
      const source = response.stream ?? Readable.from([response.body]);
      const checked = source.pipe(digestCheck(digest, url));
      source.on('error', (error: Error & { code?: string }) =>
        checked.destroy(
          ctx.signal.aborted
            ? ctx.abortError({ method: 'GET', url })
            : new RegistryError(
                `GET ${url}: the blob stream failed (${error.code ?? error.message})`,
                {
                  method: 'GET',
                  url,
                  cause: error,
                },
                'NETWORK_ERROR',
              ),
        ),
      );
      checked.on('close', () => ctx.dispose());
      const length = Number(response.headers['content-length']);
      return { size: Number.isFinite(length) ? length : -1, stream: checked };
    } catch (error) {
      ctx.dispose();
      throw error;
    }
  }

  /**
   * Uploads `blob` as `digest` into the repository of `image`: `POST` an upload, then one
   * streamed `PUT …?digest=` (monolithic; the bytes are never held whole in memory). The
   * registry checks the digest; its answer must name the same digest. The upload itself is
   * not retried (a stream is sent once) and not bound by the deadline; the signal applies.
   *
   * @example
   * ```ts
   * await client.putBlob('quay.io/ns/dest', digest, await other.getBlob('ghcr.io/ns/src', digest));
   * ```
   */
  async putBlob(
    image: string,
    digest: string,
    blob: BlobContent,
    options: RequestOptions = {},
  ): Promise<void> {
    const ref = parseImageReference(image);
    try {
      await this.uploadBlob(ref, digest, blob, options);
    } catch (error) {
      // A failed upload must not leave the caller's download open and paused.
      (blob.stream as { destroy?: () => void }).destroy?.();
      throw error;
    }
  }

  private async uploadBlob(
    ref: ImageReference,
    digest: string,
    blob: BlobContent,
    options: RequestOptions,
  ): Promise<void> {
    await this.withCall(options, async (ctx) => {
      const { response: started, url: startUrl } = await this.request(
        ref,
        {
          method: 'POST',
          path: `/v2/${ref.repository}/blobs/uploads/`,
          actions: ['pull', 'push'],
          headers: { 'Content-Length': '0' },
          maxBytes: MAX_ERROR_BODY_BYTES,
        },
        ctx,
      );
      const location = started.headers['location'];
      if (!location) {
        throw new RegistryError(
          `POST ${startUrl} answered ${started.status} without an upload location`,
          {
            method: 'POST',
            url: startUrl,
            status: started.status,
          },
        );
      }
      const uploadUrl = new URL(location, startUrl);
      uploadUrl.searchParams.set('digest', digest);
      ctx.releaseDeadline();
      const body = toReadable(blob.stream);
      const { response, url } = await this.request(
        ref,
        {
          method: 'PUT',
          path: uploadUrl.href,
          actions: ['pull', 'push'],
          headers: {
            'Content-Type': 'application/octet-stream',
            ...(blob.size >= 0 ? { 'Content-Length': String(blob.size) } : {}),
          },
          body,
          maxBytes: MAX_ERROR_BODY_BYTES,
        },
        ctx,
      );
      const answered = response.headers['docker-content-digest'];
      if (answered !== undefined && answered !== digest) {
        throw new DigestMismatchError(
          `The registry stored the blob uploaded as ${digest} as ${answered}`,
          {
            expected: digest,
            actual: answered,
            source: 'push-response',
            method: 'PUT',
            url,
          },
        );
      }
    });
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
    this.#transport.close();
  }

  /** Forgets cached tokens and challenges (the next request authenticates afresh). */
  clearAuthCache(): void {
    this.#auth.reset();
  }

  /**
   * Sends one authorised registry request: up-front authorisation from the remembered
   * challenge and token cache, one re-authentication on a 401, and the 401/404/other-status
   * classification into typed errors. Statuses in `accept` are returned, not thrown.
   * Building block for more registry operations (blobs, mounts).
   */
  protected async request(
    ref: ImageReference,
    request: RegistryRequest,
    ctx: CallContext,
    accept: readonly number[] = [],
  ): Promise<{ response: TransportResponse; url: string; authorization: Authorization }> {
    const target: AuthTarget = { host: ref.host, apiHost: ref.apiHost };
    const scopes = [
      repositoryScope(ref.repository, request.actions),
      ...(request.extraScopes ?? []),
    ];
    const origin = this.urlFor(ref, '/');
    const url = /^https?:\/\//i.test(request.path) ? request.path : this.urlFor(ref, request.path);
    const ownOrigin = new URL(url).origin === new URL(origin).origin;
    const send = (authorization: Authorization) =>
      this.#transport.send(
        {
          method: request.method,
          url,
          headers: {
            ...request.headers,
            ...(authorization.header && ownOrigin ? { Authorization: authorization.header } : {}),
          },
          ...(request.body ? { body: request.body } : {}),
          kind: 'registry',
          maxBytes: request.maxBytes,
          ...(request.stream ? { stream: true } : {}),
          ...(request.retry === false ? { retry: false } : {}),
        },
        ctx,
      );
    let authorization = await this.#auth.beforeRequest(target, scopes, ctx);
    let response = await send(authorization);
    if (response.status === 401 && !(request.body instanceof Readable)) {
      authorization = await this.#auth.afterUnauthorized(
        target,
        response.headers['www-authenticate'],
        scopes,
        authorization,
        ctx,
        { method: request.method, url },
      );
      response = await send(authorization);
    }
    if ((response.status >= 200 && response.status < 300) || accept.includes(response.status)) {
      return { response, url, authorization };
    }
    throw this.statusError(ref, request, url, response, authorization);
  }

  private statusError(
    ref: ImageReference,
    request: RegistryRequest,
    url: string,
    response: TransportResponse,
    authorization: Authorization,
  ): Error {
    const { codes, text } = registryErrors(response.body);
    const details = { method: request.method, url, status: response.status, registryCodes: codes };
    const said = text ? `: ${text}` : '';
    const what = `${request.method} ${url} answered HTTP ${response.status}${said}`;
    if (response.status === 404) {
      return new NotFoundError(`${ref} not found (${what})`, details);
    }
    if (response.status === 412) {
      return new PreconditionFailedError(
        `${ref} changed since it was read: a precondition failed (${what})`,
        details,
      );
    }
    if (response.status === 401) {
      const reading = request.method === 'GET' || request.method === 'HEAD';
      if (authorization.scheme === 'bearer' && authorization.credentialed) {
        // Token granted for these credentials, yet refused: no access, or (Quay) no repository.
        if (reading) {
          const granted = authorization.token
            ? grantedActions(authorization.token.value, ref.repository)
            : undefined;
          return new NotFoundError(`${ref} not found or not accessible (${what})`, {
            ...details,
            pullGranted: granted === undefined ? undefined : granted.includes('pull'),
          });
        }
        return new AuthenticationError(
          `The credentials were accepted but may not ${request.actions.join(',')} ${ref.repository} (${what})`,
          { ...details, reason: 'access-denied' },
        );
      }
      if (authorization.credentialed) {
        return new AuthenticationError(
          `The registry rejected the credentials for ${ref.host} (${what})`,
          {
            ...details,
            reason: 'credentials-rejected',
          },
        );
      }
      return new AuthenticationError(
        `The registry ${ref.host} requires credentials and none were configured (${what})`,
        { ...details, reason: 'credentials-required' },
      );
    }
    return new RegistryError(what, details);
  }

  private checkDigests(
    ref: ImageReference,
    bytes: Uint8Array,
    response: TransportResponse,
    url: string,
  ): string {
    const header = response.headers['docker-content-digest'];
    const expected = ref.digest ?? header;
    const digest = digestOf(bytes, expected);
    if (ref.digest !== undefined && digest !== ref.digest) {
      throw new DigestMismatchError(`The manifest fetched for ${ref} has digest ${digest}`, {
        expected: ref.digest,
        actual: digest,
        source: 'reference',
        method: 'GET',
        url,
      });
    }
    if (header !== undefined && header !== digestOf(bytes, header)) {
      throw new DigestMismatchError(
        `The manifest fetched for ${ref} does not match its docker-content-digest ${header}`,
        { expected: header, actual: digestOf(bytes, header), source: 'header', method: 'GET', url },
      );
    }
    return ref.digest === undefined ? digestOf(bytes) : digest;
  }

  /**
   * Runs one public call under a {@link CallContext}: the caller's signal and the client's
   * deadline, cleaned up afterwards.
   */
  protected async withCall<T>(
    options: RequestOptions,
    work: (ctx: CallContext) => Promise<T>,
  ): Promise<T> {
    const ctx = new CallContext(options.signal, this.#deadlineMs);
    try {
      ctx.throwIfAborted();
      return await work(ctx);
    } finally {
      ctx.dispose();
    }
  }

  private urlFor(ref: ImageReference, path: string): string {
    const scheme = this.isPlainHttp(ref.apiHost) ? 'http' : 'https';
    return `${scheme}://${ref.apiHost}${path}`;
  }

  /** Loopback hosts and `insecure` ones (by `host:port` or by host name alone). */
  private isPlainHttp(host: string): boolean {
    if (isLoopbackHost(host)) return true;
    const lower = host.toLowerCase();
    if (this.#insecure.has(lower)) return true;
    const { hostname } = splitHostPort(lower);
    return this.#insecure.has(hostname) || this.#insecure.has(`[${hostname}]`);
  }
}

function blobPath(ref: ImageReference, digest: string): string {
  return `/v2/${ref.repository}/blobs/${digest}`;
}

/** A pass-through that hashes what flows and fails at the end if it is not `digest`. */
function digestCheck(digest: string, url: string): Transform {
  const algorithm = digest.startsWith('sha512:') ? 'sha512' : 'sha256';
  const hash = createHash(algorithm);
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      const actual = `${algorithm}:${hash.digest('hex')}`;
      if (actual === digest) callback();
      else {
        callback(
          new DigestMismatchError(`The blob fetched as ${digest} has digest ${actual}`, {
            expected: digest,
            actual,
            source: 'reference',
            method: 'GET',
            url,
          }),
        );
      }
    },
  });
}

function toReadable(stream: AsyncIterable<Uint8Array>): Readable {
  return stream instanceof Readable ? stream : Readable.from(stream, { objectMode: false });
}

function manifestPath(ref: ImageReference): string {
  return `/v2/${ref.repository}/manifests/${ref.identifier}`;
}

/** The digest of `bytes` with the algorithm of `like` (sha256 unless it names sha512). */
function digestOf(bytes: Uint8Array, like?: string): string {
  const algorithm = like?.startsWith('sha512:') ? 'sha512' : 'sha256';
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

function mediaTypeOf(response: TransportResponse, bytes: Uint8Array): string {
  const contentType = normalizeMediaType(response.headers['content-type'] ?? '');
  if (!GENERIC_CONTENT_TYPES.has(contentType)) return contentType;
  try {
    const body = JSON.parse(Buffer.from(bytes).toString('utf8')) as { mediaType?: unknown };
    if (typeof body?.mediaType === 'string' && body.mediaType) return body.mediaType;
  } catch {
    // not JSON: keep the Content-Type
  }
  return contentType || 'application/octet-stream';
}

/** The `code`s and a short text of a registry's `{"errors":[{code,message}]}` body. */
function registryErrors(body: Buffer): { codes: string[]; text: string } {
  if (body.byteLength === 0) return { codes: [], text: '' };
  try {
    const parsed = JSON.parse(body.subarray(0, MAX_ERROR_BODY_BYTES).toString('utf8')) as {
      errors?: Array<{ code?: unknown; message?: unknown }>;
    };
    const errors = Array.isArray(parsed?.errors) ? parsed.errors : [];
    const codes = errors.map((e) => (typeof e?.code === 'string' ? e.code : '')).filter(Boolean);
    const text = errors
      .slice(0, 3)
      .map((e) => [e?.code, e?.message].filter((x) => typeof x === 'string' && x).join(' '))
      .join('; ');
    return { codes, text: text.slice(0, 500) };
  } catch {
    return { codes: [], text: '' };
  }
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
