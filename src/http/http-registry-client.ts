import { pipeline, Readable, Transform } from 'node:stream';
import { AuthenticationError } from '../errors/authentication-error.js';
import { ManifestListMergerError } from '../errors/base-error.js';
import { DigestMismatchError } from '../errors/digest-mismatch-error.js';
import { ManifestTooLargeError } from '../errors/manifest-too-large-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { PreconditionFailedError } from '../errors/precondition-failed-error.js';
import { RegistryError } from '../errors/registry-error.js';
import { algorithmOf, createDigester, digestOf } from '../manifest/digest.js';
import { MediaTypes, normalizeMediaType } from '../manifest/media-types.js';
import {
  type ImageReference,
  isLoopbackHost,
  parseImageReference,
  splitHostPort,
} from '../manifest/reference.js';
import type { FetchedManifest } from '../manifest/types.js';
import type {
  BlobContent,
  ManifestHead,
  PutManifestOptions,
  RegistryClient,
  RequestOptions,
} from '../registry/client.js';
import { Authenticator, type Authorization, type AuthTarget } from './auth/authenticator.js';
import { createCredentialChain } from './auth/credentials/credential-chain.js';
import { repositoryScope } from './auth/scope.js';
import { SecretSet } from './auth/secret-set.js';
import { grantedActions } from './auth/token-claims.js';
import { CallContext } from './call-context.js';
import { type RegistryLogger, writeLog } from './logger.js';
import { MAX_TIMER_MS, numericOption } from './numeric-option.js';
import {
  DEFAULT_DEADLINE_MS,
  DEFAULT_MAX_MANIFEST_BYTES,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_USER_AGENT,
  type HttpRegistryClientOptions,
  MAX_MANIFEST_BYTES_LIMIT,
} from './options.js';
import type { RequestCounts, RequestEvent } from './request-event.js';
import { resolveRetryPolicy } from './retry/retry-policy.js';
import { MAX_ERROR_BODY_BYTES, Transport, type TransportResponse } from './transport.js';

const ACCEPT_MANIFESTS = MediaTypes.ALL_MANIFESTS.join(', ');
const GENERIC_CONTENT_TYPES = new Set([
  '',
  'application/json',
  'text/plain',
  'application/octet-stream',
]);
/** How many registry error codes are kept from one answer. */
const MAX_REGISTRY_CODES = 1000;

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
  /** Largest 2xx body accepted (error bodies are always cut at `MAX_ERROR_BODY_BYTES`). */
  maxBytes: number;
  /** Cut a longer 2xx body instead of failing: for answers whose body is not used. */
  truncate?: boolean;
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
  // credentials the authenticator's credential chain holds).
  readonly #transport: Transport;
  readonly #auth: Authenticator;
  readonly #insecure: ReadonlySet<string>;
  readonly #maxManifestBytes: number;
  readonly #deadlineMs: number | undefined;
  readonly #logger: RegistryLogger | undefined;
  readonly #secrets = new SecretSet();

  /**
   * @throws {InvalidOptionError} when a numeric option is not a finite number in its range
   *   (`timeout`, `deadline`, `maxManifestBytes`, `retry.*`); see {@link HttpRegistryClientOptions}.
   */
  constructor(options: HttpRegistryClientOptions = {}) {
    const timeoutMs = numericOption(options.timeout, 'timeout', DEFAULT_TIMEOUT_MS, {
      min: 1,
      max: MAX_TIMER_MS,
    });
    const deadline = numericOption(options.deadline, 'deadline', DEFAULT_DEADLINE_MS, {
      min: 1,
      max: MAX_TIMER_MS,
      also: [0, Number.POSITIVE_INFINITY],
    });
    this.#deadlineMs =
      deadline === 0 || deadline === Number.POSITIVE_INFINITY ? undefined : deadline;
    this.#maxManifestBytes = numericOption(
      options.maxManifestBytes,
      'maxManifestBytes',
      DEFAULT_MAX_MANIFEST_BYTES,
      { min: 1, max: MAX_MANIFEST_BYTES_LIMIT, integer: true },
    );
    const retry = resolveRetryPolicy(options.retry ?? {});
    this.#logger = options.logger ? scrubbingLogger(options.logger, this.#secrets) : undefined;
    this.#insecure = new Set((options.insecure ?? []).map((h) => h.toLowerCase()));
    this.#secrets.add(options.password);
    if (options.username !== undefined) {
      this.#secrets.add(`${options.username}:${options.password ?? ''}`);
    }
    const onRequest = options.onRequest;
    this.#transport = new Transport({
      timeoutMs,
      retry,
      userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
      ca: options.ca,
      logger: this.#logger,
      onRequest: onRequest
        ? (event: RequestEvent) => onRequest({ ...event, url: this.#secrets.scrub(event.url) })
        : undefined,
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
      logger: this.#logger,
      clientId: options.userAgent ?? DEFAULT_USER_AGENT,
      secrets: this.#secrets,
    });
  }

  /** How many requests this client has sent so far, by kind (retries and redirects included). */
  get requestCounts(): Readonly<RequestCounts> {
    return { ...this.#transport.counts };
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
  async getManifest(image: string, options: RequestOptions = {}): Promise<FetchedManifest> {
    const ref = parseImageReference(image);
    if (ref.digest !== undefined) algorithmOf(ref.digest); // checkable, before any request
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
          truncate: true,
        },
        ctx,
        [405],
      );
      if (response.status === 405) return undefined;
      const digest = response.headers['docker-content-digest'] ?? ref.digest;
      if (digest === undefined || !isCheckable(digest)) return undefined; // GET checks it
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
    const digest = digestOf(bytes, ref.digest ?? 'sha256');
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
          truncate: true,
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
    algorithmOf(digest); // a malformed digest must not reach the URL
    return this.withCall(options, async (ctx) => {
      try {
        const { response } = await this.request(
          ref,
          {
            method: 'HEAD',
            path: blobPath(ref, digest),
            actions: ['pull'],
            maxBytes: MAX_ERROR_BODY_BYTES,
            truncate: true,
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
    algorithmOf(digest);
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
          truncate: true,
        },
        ctx,
      );
      return response.status === 201;
    });
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
  async getBlob(image: string, digest: string, options: RequestOptions = {}): Promise<BlobContent> {
    const ref = parseImageReference(image);
    algorithmOf(digest);
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
      const source = response.stream ?? Readable.from([response.body]);
      const checked = digestCheck(digest, url, (error) => this.#secrets.scrubError(error));
      // No listener yet is no crash: the error stays on the stream (`errored`) for its reader.
      checked.on('error', () => {});
      pipeline(source, checked, () => ctx.dispose());
      checked.on('close', () => ctx.dispose());
      const length = Number(response.headers['content-length']);
      return { size: Number.isFinite(length) ? length : -1, stream: checked };
    } catch (error) {
      ctx.dispose();
      throw this.#secrets.scrubError(error);
    }
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
  async putBlob(
    image: string,
    digest: string,
    blob: BlobContent,
    options: RequestOptions = {},
  ): Promise<void> {
    const ref = parseImageReference(image);
    try {
      algorithmOf(digest);
      await this.uploadBlob(ref, digest, blob, options);
    } catch (error) {
      // A failed upload must not leave the caller's download open and paused.
      (blob.stream as { destroy?: () => void }).destroy?.();
      throw this.#secrets.scrubError(error);
    }
  }

  private async uploadBlob(
    ref: ImageReference,
    digest: string,
    blob: BlobContent,
    options: RequestOptions,
  ): Promise<void> {
    const body = toReadable(blob.stream);
    await this.withCall(options, async (ctx) => {
      throwIfFailed(body);
      const { response: started, url: startUrl } = await this.request(
        ref,
        {
          method: 'POST',
          path: `/v2/${ref.repository}/blobs/uploads/`,
          actions: ['pull', 'push'],
          headers: { 'Content-Length': '0' },
          maxBytes: MAX_ERROR_BODY_BYTES,
          truncate: true,
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
      let uploadUrl: URL;
      try {
        uploadUrl = new URL(location, startUrl);
      } catch (error) {
        throw new RegistryError(
          `POST ${startUrl} answered ${started.status} with an upload location that is not a URL`,
          { method: 'POST', url: startUrl, status: started.status, cause: error },
        );
      }
      uploadUrl.searchParams.set('digest', digest);
      throwIfFailed(body);
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
          truncate: true,
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
   * challenge and token cache, one re-authentication on a 401 from the registry's own
   * origin, and the 401/404/other-status classification into typed errors. A 401 from
   * another origin (reached by a redirect) is never answered nor remembered: it is an
   * {@link AuthenticationError} `foreign-challenge`. Statuses in `accept` are returned, not
   * thrown. Building block for more registry operations (blobs, mounts).
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
          ...(request.truncate ? { truncate: true } : {}),
          ...(request.stream ? { stream: true } : {}),
          ...(request.retry === false ? { retry: false } : {}),
        },
        ctx,
      );
    const registryOrigin = new URL(origin).origin;
    let authorization = await this.#auth.beforeRequest(target, scopes, ctx);
    let response = await send(authorization);
    if (response.status === 401 && new URL(response.url).origin !== registryOrigin) {
      throw this.foreignChallenge(request, url, response);
    }
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
      if (response.status === 401 && new URL(response.url).origin !== registryOrigin) {
        throw this.foreignChallenge(request, url, response);
      }
    }
    if ((response.status >= 200 && response.status < 300) || accept.includes(response.status)) {
      return { response, url, authorization };
    }
    throw this.statusError(ref, request, url, response, authorization);
  }

  private foreignChallenge(
    request: RegistryRequest,
    url: string,
    response: TransportResponse,
  ): AuthenticationError {
    const { codes } = registryErrors(response.body);
    const answeredBy = new URL(response.url).origin;
    return new AuthenticationError(
      `${request.method} ${url} was redirected to ${answeredBy}, which answered 401: credentials go only to the registry's own origin and the token realm it names, so that challenge was not answered`,
      {
        reason: 'foreign-challenge',
        method: request.method,
        url: response.url,
        status: 401,
        registryCodes: codes,
      },
    );
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
    const where = response.url === url ? '' : ` (redirected to ${response.url})`;
    const what = `${request.method} ${url}${where} answered HTTP ${response.status}${said}`;
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
    if (ref.digest !== undefined) {
      const digest = digestOf(bytes, ref.digest);
      if (digest !== ref.digest) {
        throw new DigestMismatchError(`The manifest fetched for ${ref} has digest ${digest}`, {
          expected: ref.digest,
          actual: digest,
          source: 'reference',
          method: 'GET',
          url,
        });
      }
    }
    if (header !== undefined) {
      const actual = digestOf(bytes, header);
      if (actual !== header) {
        throw new DigestMismatchError(
          `The manifest fetched for ${ref} does not match its docker-content-digest ${header}`,
          { expected: header, actual, source: 'header', method: 'GET', url },
        );
      }
    }
    return ref.digest ?? digestOf(bytes, 'sha256');
  }

  /**
   * Runs one public call under a {@link CallContext}: the caller's signal and the client's
   * deadline, cleaned up afterwards; whatever it throws is scrubbed of the client's secrets.
   */
  protected async withCall<T>(
    options: RequestOptions,
    work: (ctx: CallContext) => Promise<T>,
  ): Promise<T> {
    const ctx = new CallContext(options.signal, this.#deadlineMs);
    try {
      ctx.throwIfAborted();
      return await work(ctx);
    } catch (error) {
      throw this.#secrets.scrubError(error);
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

/**
 * A pass-through that hashes what flows with the algorithm of `digest` and fails at the end
 * if it is not `digest`. The last chunk is held back until the check passes, so whatever
 * reads the stream (an upload) never receives every byte of a wrong blob. Errors it is
 * destroyed with go through `scrub` first.
 */
function digestCheck(digest: string, url: string, scrub: (error: Error) => Error): Transform {
  const hasher = createDigester(digest);
  let held: Buffer | undefined;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hasher.update(chunk);
      const previous = held;
      held = chunk;
      callback(null, previous);
    },
    flush(callback) {
      const actual = hasher.digest();
      if (actual === digest) {
        callback(null, held);
        return;
      }
      callback(
        new DigestMismatchError(`The blob fetched as ${digest} has digest ${actual}`, {
          expected: digest,
          actual,
          source: 'reference',
          method: 'GET',
          url,
        }),
      );
    },
    destroy(error, callback) {
      held = undefined;
      callback(error ? scrub(error) : error);
    },
  });
}

/** True for a digest of an algorithm this client can check. */
function isCheckable(digest: string): boolean {
  try {
    algorithmOf(digest);
    return true;
  } catch {
    return false;
  }
}

/** Throws what `body` already failed with (a download's digest check, its timeout). */
function throwIfFailed(body: Readable): void {
  const failure = body.errored;
  if (!failure) return;
  if (failure instanceof ManifestListMergerError) throw failure;
  throw new RegistryError(
    `The blob to upload failed before it was sent: ${failure instanceof Error ? failure.message : String(failure)}`,
    { cause: failure },
  );
}

/** A logger that scrubs the client's secrets from every line before the usual redaction. */
function scrubbingLogger(logger: RegistryLogger, secrets: SecretSet): RegistryLogger {
  const line =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string): void =>
      writeLog(logger, level, secrets.scrub(message));
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

function toReadable(stream: AsyncIterable<Uint8Array>): Readable {
  return stream instanceof Readable ? stream : Readable.from(stream, { objectMode: false });
}

function manifestPath(ref: ImageReference): string {
  return `/v2/${ref.repository}/manifests/${ref.identifier}`;
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

/**
 * The `code`s and a short text of a registry's `{"errors":[{code,message}]}` body. A body cut
 * at the error-body cap (or otherwise broken) still gives the codes that can be read in it.
 */
function registryErrors(body: Buffer): { codes: string[]; text: string } {
  if (body.byteLength === 0) return { codes: [], text: '' };
  const raw = body.toString('utf8');
  const isCode = (code: unknown): code is string =>
    typeof code === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(code);
  try {
    const parsed = JSON.parse(raw) as {
      errors?: Array<{ code?: unknown; message?: unknown }>;
    };
    const errors = Array.isArray(parsed?.errors) ? parsed.errors : [];
    const codes = errors
      .map((e) => e?.code)
      .filter(isCode)
      .slice(0, MAX_REGISTRY_CODES);
    const text = errors
      .slice(0, 3)
      .map((e) => [e?.code, e?.message].filter((x) => typeof x === 'string' && x).join(' '))
      .join('; ');
    return { codes, text: text.slice(0, 500) };
  } catch {
    const codes = [...raw.matchAll(/"code"\s*:\s*"([^"\\]{1,64})"/g)]
      .map((match) => match[1])
      .filter(isCode)
      .slice(0, MAX_REGISTRY_CODES);
    return { codes, text: '' };
  }
}
