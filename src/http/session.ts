import { Readable } from 'node:stream';
import { type Logger, log } from '../logger.js';
import { type ImageReference, isLoopbackHost, splitHostPort } from '../manifest/reference.js';
import type { RequestOptions } from '../registry/client.js';
import { Authenticator, type Authorization, type AuthTarget } from './auth/authenticator.js';
import { createCredentialChain } from './auth/credentials/credential-chain.js';
import { repositoryScope } from './auth/scope.js';
import { SecretSet } from './auth/secret-set.js';
import { CallContext } from './call-context.js';
import type { ResolvedOptions } from './options.js';
import type { RequestCounts, RequestEvent } from './request-event.js';
import { foreignChallenge, statusError } from './status-errors.js';
import { Transport, type TransportResponse } from './transport.js';

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

/** A registry's answer to a {@link RegistryRequest}, and the URL that was asked. */
export interface RegistryAnswer {
  response: TransportResponse;
  url: string;
}

/**
 * What the resources of one {@link HttpRegistryClient} share: the transport, the
 * authenticator and the secrets it learnt, the URL policy (plain HTTP for loopback and
 * `insecure` hosts; `Authorization` only to the registry's own origin), authorised requests
 * with their status-to-error mapping, and the lifetime of each call.
 */
export class Session {
  /** Where to log; every line is scrubbed of the client's secrets first. */
  readonly logger: Logger | undefined;
  readonly #secrets = new SecretSet();
  readonly #transport: Transport;
  readonly #auth: Authenticator;
  readonly #insecure: ReadonlySet<string>;
  readonly #deadlineMs: number | undefined;

  constructor(options: ResolvedOptions) {
    const secrets = this.#secrets;
    secrets.add(options.password);
    if (options.username !== undefined)
      secrets.add(`${options.username}:${options.password ?? ''}`);
    this.#insecure = options.insecure;
    this.#deadlineMs = options.deadlineMs;
    this.logger = options.logger ? scrubbingLogger(options.logger, secrets) : undefined;
    const onRequest = options.onRequest;
    this.#transport = new Transport({
      timeoutMs: options.timeoutMs,
      retry: options.retry,
      userAgent: options.userAgent,
      ca: options.ca,
      logger: this.logger,
      onRequest: onRequest
        ? (event: RequestEvent) => onRequest({ ...event, url: secrets.scrub(event.url) })
        : undefined,
    });
    this.#auth = new Authenticator({
      transport: this.#transport,
      credentials: createCredentialChain({
        username: options.username,
        password: options.password,
        credentials: options.credentials,
        containersAuth: options.containersAuth,
        dockerConfig: options.dockerConfig,
        env: options.env,
        helperTimeoutMs: options.credentialHelperTimeoutMs,
      }),
      plainHttpAllowed: (host) => this.#isPlainHttp(host),
      logger: this.logger,
      clientId: options.userAgent,
      secrets,
    });
  }

  /** Requests sent so far, by kind. */
  get counts(): Readonly<RequestCounts> {
    return this.#transport.counts;
  }

  /**
   * Runs one public call under its own {@link CallContext}: the caller's signal and the
   * client's deadline, for the buffered and the streamed case alike. Whatever it throws is
   * scrubbed of the client's secrets. The context ends when `work` settles, or, when
   * `streamOf` names a stream in its result (a blob download), when that stream closes.
   */
  async call<T>(
    options: RequestOptions,
    work: (ctx: CallContext) => Promise<T>,
    streamOf?: (result: T) => Readable,
  ): Promise<T> {
    const ctx = new CallContext(options.signal, this.#deadlineMs);
    let open = false;
    try {
      ctx.throwIfAborted();
      const result = await work(ctx);
      if (streamOf) {
        streamOf(result).once('close', () => ctx.dispose());
        open = true;
      }
      return result;
    } catch (error) {
      throw this.scrubError(error);
    } finally {
      if (!open) ctx.dispose();
    }
  }

  /**
   * Sends one authorised registry request: up-front authorisation from the remembered
   * challenge and token cache, one re-authentication on a 401 from the registry's own
   * origin (a 401 from another origin, reached by a redirect, is never answered: see
   * {@link foreignChallenge}), and typed errors for final non-2xx statuses
   * ({@link statusError}). Statuses in `accept` are returned, not thrown.
   */
  async request(
    ref: ImageReference,
    request: RegistryRequest,
    ctx: CallContext,
    accept: readonly number[] = [],
  ): Promise<RegistryAnswer> {
    const target: AuthTarget = { host: ref.host, apiHost: ref.apiHost, repository: ref.repository };
    const scopes = [
      repositoryScope(ref.repository, request.actions),
      ...(request.extraScopes ?? []),
    ];
    const registryOrigin = new URL(this.urlFor(ref, '/')).origin;
    const url = /^https?:\/\//i.test(request.path) ? request.path : this.urlFor(ref, request.path);
    const asked = { method: request.method, url, actions: request.actions };
    const ownOrigin = new URL(url).origin === registryOrigin;
    const send = async (authorization: Authorization): Promise<TransportResponse> => {
      const header = authorization.header && ownOrigin ? authorization.header : undefined;
      const response = await this.#transport.send(
        {
          method: request.method,
          url,
          headers: { ...request.headers, ...(header ? { Authorization: header } : {}) },
          ...(request.body ? { body: request.body } : {}),
          kind: 'registry',
          maxBytes: request.maxBytes,
          ...(request.truncate ? { truncate: true } : {}),
          ...(request.stream ? { stream: true } : {}),
          ...(request.retry === false ? { retry: false } : {}),
        },
        ctx,
      );
      if (response.status === 401 && new URL(response.url).origin !== registryOrigin) {
        throw foreignChallenge(asked, response);
      }
      return response;
    };
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
      return { response, url };
    }
    throw statusError(ref, asked, response, authorization);
  }

  /** The URL of `path` on the registry of `ref`: plain HTTP for loopback and `insecure` hosts. */
  urlFor(ref: ImageReference, path: string): string {
    const scheme = this.#isPlainHttp(ref.apiHost) ? 'http' : 'https';
    return `${scheme}://${ref.apiHost}${path}`;
  }

  /** `error` with every secret the client holds taken out (in place). */
  scrubError<T>(error: T): T {
    return this.#secrets.scrubError(error);
  }

  /** Forgets cached tokens and challenges. */
  clearAuth(): void {
    this.#auth.reset();
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.#transport.close();
  }

  /** Loopback hosts and `insecure` ones (by `host:port` or by host name alone). */
  #isPlainHttp(host: string): boolean {
    if (isLoopbackHost(host)) return true;
    const lower = host.toLowerCase();
    if (this.#insecure.has(lower)) return true;
    const { hostname } = splitHostPort(lower);
    return this.#insecure.has(hostname) || this.#insecure.has(`[${hostname}]`);
  }
}

/** A logger that scrubs the client's secrets from every line before the usual redaction. */
function scrubbingLogger(logger: Logger, secrets: SecretSet): Logger {
  const line =
    (level: keyof Logger) =>
    (message: string): void =>
      log(logger, level, secrets.scrub(message));
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}
