import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';
import axios, {
  AxiosError,
  type AxiosInstance,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import * as axiosRetryModule from 'axios-retry';
import { ManifestListMergerError } from '../errors/base-error.js';
import { ManifestTooLargeError } from '../errors/manifest-too-large-error.js';
import { redact } from '../errors/redact.js';
import { RegistryError } from '../errors/registry-error.js';
import { RequestTimeoutError } from '../errors/request-timeout-error.js';
import { isLoopbackHost } from '../manifest/reference.js';
import { type BodyFailure, guardDownload, readBody, UploadGuard } from './body.js';
import type { CallContext } from './call-context.js';
import { type RegistryLogger, writeLog } from './logger.js';
import type { RequestCounts, RequestEvent, RequestKind } from './request-event.js';
import {
  isRetryableFailure,
  isStatusFailure,
  RETRYABLE_ERROR_CODES,
  RETRYABLE_STATUSES,
} from './retry/retry-condition.js';
import { computeRetryDelay, parseRetryAfter } from './retry/retry-delay.js';
import type { RetryPolicy } from './retry/retry-policy.js';

// axios-retry's default export is the function in ESM, but a namespace object in a CJS
// build (tsup): take whichever is callable.
type AxiosRetryFn = typeof import('axios-retry')['default'];
const axiosRetry: AxiosRetryFn = resolveCallable(axiosRetryModule);

function resolveCallable(mod: unknown): AxiosRetryFn {
  let candidate = mod as { default?: unknown };
  for (let depth = 0; depth < 3 && typeof candidate !== 'function'; depth += 1) {
    candidate = candidate?.default as { default?: unknown };
  }
  if (typeof candidate !== 'function') throw new Error('axios-retry could not be loaded');
  return candidate as unknown as AxiosRetryFn;
}

/** One HTTP request through a {@link Transport}. */
export interface TransportRequest {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST';
  url: string;
  headers?: Record<string, string>;
  /**
   * The request body. A `Readable` is streamed once: such a request is never retried and
   * does not follow a redirect that would need the body again. Its idle timeout is the
   * transport's `timeoutMs` between chunks taken, and until the answer's headers.
   */
  body?: Uint8Array | string | Readable;
  kind: RequestKind;
  /**
   * Largest 2xx body accepted; a longer one is aborted while reading
   * ({@link ManifestTooLargeError}), unless `truncate`. Not applied to `stream`. Bodies of
   * other statuses are read up to {@link MAX_ERROR_BODY_BYTES}, then cut.
   */
  maxBytes: number;
  /** Cut a 2xx body longer than `maxBytes` instead of failing (for answers whose body is not used). */
  truncate?: boolean;
  /** Hand a 2xx body back as a stream (`TransportResponse.stream`) instead of bytes. */
  stream?: boolean;
  /**
   * `false`: never retried (a manifest PUT to a tag: a late retry could land over a newer
   * list; the caller reads again instead).
   */
  retry?: boolean;
}

/**
 * Bodies of non-2xx answers (a registry's `{"errors":[…]}`) are read up to 64 KiB, then the
 * connection is dropped: enough for the status, the codes and the first messages, whatever
 * a hostile or broken server sends.
 */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** A response as the transport hands it back: any status, the body as bytes. */
export interface TransportResponse {
  status: number;
  /** Header names lower-case; repeated headers joined with `, `. */
  headers: Record<string, string>;
  body: Buffer;
  /**
   * The body, for a 2xx answer to a `stream: true` request (then `body` is empty). It fails
   * with typed errors: `RequestTimeoutError` when no bytes come for `timeoutMs` while it is
   * read, the call's abort error, or a `NETWORK_ERROR` {@link RegistryError}.
   */
  stream?: Readable;
  /** The URL that answered (after redirects). */
  url: string;
}

/** How the transport behaves. */
export interface TransportOptions {
  timeoutMs: number;
  retry: Required<RetryPolicy>;
  userAgent: string;
  ca?: string | Buffer | Array<string | Buffer> | undefined;
  logger?: RegistryLogger | undefined;
  onRequest?: ((event: RequestEvent) => void) | undefined;
  maxRedirects?: number;
}

const KIND = 'mlmKind';
const PLAN = 'mlmBodyPlan';

/** What the response interceptor does with one request's body (carried on its axios config). */
interface BodyPlan {
  maxBytes: number;
  truncate: boolean;
  stream: boolean;
  /** The headers arrived (or the request failed): an upload's idle timer stops. */
  onHeaders: () => void;
  /** The typed error a streamed body fails with. */
  onStreamFailure: (failure: BodyFailure) => Error;
}

function planOf(config: unknown): BodyPlan | undefined {
  return (config as Record<string, BodyPlan | undefined> | undefined)?.[PLAN];
}
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * HTTP for the registry client: axios with axios-retry (our retry condition, capped
 * exponential back-off with full jitter, `Retry-After`), an idle timeout per attempt and per
 * direction (`timeoutMs` without a byte: before the headers, between body chunks either
 * way), manual redirects that drop `Authorization` when leaving the origin, size caps on
 * bodies, and the `onRequest` hook. Bodies are read by a response interceptor that runs
 * before axios-retry's, so a connection dropped mid-body is retried like any network error.
 * Answers with any final status; throws typed errors for everything else.
 */
export class Transport {
  readonly counts: RequestCounts = { registry: 0, token: 0 };
  private readonly axios: AxiosInstance;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(private readonly options: TransportOptions) {
    this.httpAgent = new http.Agent({ keepAlive: true });
    const extraCa =
      options.ca === undefined ? [] : Array.isArray(options.ca) ? options.ca : [options.ca];
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      ...(extraCa.length > 0 ? { ca: [...rootCertificates, ...extraCa.map(String)] } : {}),
    });
    this.axios = axios.create({
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      maxRedirects: 0,
      responseType: 'stream',
      maxContentLength: -1,
      transformResponse: [(data: unknown) => data],
      transformRequest: [(data: unknown) => data],
      decompress: true,
      timeout: options.timeoutMs,
      transitional: {
        clarifyTimeoutError: true,
        silentJSONParsing: true,
        forcedJSONParsing: false,
      },
      // Retryable statuses reject (so axios-retry sees them); every other status resolves.
      validateStatus: (status) => !RETRYABLE_STATUSES.has(status),
    });
    this.axios.interceptors.request.use((config) => {
      // axios-retry re-enters here when a back-off sleep is aborted; nothing will be sent.
      if (config.signal?.aborted) return config;
      const kind =
        ((config as unknown as Record<string, unknown>)[KIND] as RequestKind) ?? 'registry';
      const attempt = (config['axios-retry']?.retryCount ?? 0) + 1;
      const method = (config.method ?? 'get').toUpperCase();
      const url = redact(config.url ?? '');
      this.counts[kind] += 1;
      writeLog(options.logger, 'debug', `${method} ${url} (${kind}, attempt ${attempt})`);
      if (options.onRequest) {
        try {
          options.onRequest({ method, url, kind, attempt });
        } catch {
          // a throwing hook must not break the request
        }
      }
      return config;
    });
    // Registered before axios-retry's, so a body that fails here is retried like a request.
    this.axios.interceptors.response.use(
      (response) => this.readResponseBody(response),
      (error: AxiosError) => {
        planOf(error.config)?.onHeaders();
        return Promise.reject(error);
      },
    );
    const policy = options.retry;
    axiosRetry(this.axios, {
      retries: policy.retries,
      shouldResetTimeout: true,
      retryCondition: (error) => isRetryableFailure(error),
      retryDelay: (retryCount, error) => computeRetryDelay(retryCount, policy, retryAfterOf(error)),
      onRetry: (retryCount, error, config) => {
        const data = error.response?.data as unknown;
        if (data instanceof Readable) data.destroy(); // a streamed error body we will not read
        const what = error.response
          ? `status ${error.response.status}`
          : (error.code ?? error.message);
        writeLog(
          options.logger,
          'warn',
          `Retrying ${(config.method ?? 'get').toUpperCase()} ${config.url ?? ''} after ${what} (retry ${retryCount} of ${policy.retries})`,
        );
      },
    });
  }

  /** Sends `request`, following redirects, and answers with the final response. */
  async send(request: TransportRequest, ctx: CallContext): Promise<TransportResponse> {
    const maxRedirects = this.options.maxRedirects ?? 5;
    let url = request.url;
    let method = request.method;
    let body = request.body;
    const headers = { 'User-Agent': this.options.userAgent, ...request.headers };
    const origin = new URL(url).origin;
    for (let hop = 0; ; hop += 1) {
      const response = await this.once({ ...request, url, method, body, headers }, ctx);
      const location = response.headers['location'];
      if (!REDIRECTS.has(response.status) || location === undefined) return response;
      if (body instanceof Readable && response.status !== 303) {
        throw new RegistryError(
          `${method} ${request.url} was redirected (${response.status}) but its streamed body cannot be sent again`,
          { method, url: request.url, status: response.status },
        );
      }
      if (hop >= maxRedirects) {
        throw new RegistryError(
          `Too many redirects (more than ${maxRedirects}) for ${method} ${request.url}`,
          {
            method,
            url: request.url,
            status: response.status,
          },
        );
      }
      let next: URL;
      try {
        next = new URL(location, url);
      } catch (error) {
        throw new RegistryError(
          `${method} ${url} answered ${response.status} with a Location header that is not a URL`,
          { method, url, status: response.status, cause: error },
        );
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw new RegistryError(`Refusing a redirect to a ${next.protocol} URL`, { method, url });
      }
      if (next.origin !== origin) {
        // A token request carries credentials in its headers or its body (an identity token
        // in a POST form, re-sent as is on a 307/308): it never follows another origin.
        if (request.kind === 'token') {
          throw new RegistryError(
            `Refusing to follow the token endpoint's redirect (${response.status}) to another origin (${next.origin})`,
            { method, url: request.url, status: response.status },
          );
        }
        // Never downgrade to plain HTTP off loopback.
        if (
          next.protocol === 'http:' &&
          new URL(url).protocol === 'https:' &&
          !isLoopbackHost(next.host)
        ) {
          throw new RegistryError(`Refusing a redirect from HTTPS to plain HTTP (${next.origin})`, {
            method,
            url: request.url,
            status: response.status,
          });
        }
        // Never carry credentials to another origin (Quay/ECR redirect blobs to S3).
        for (const name of Object.keys(headers)) {
          if (name.toLowerCase() === 'authorization')
            delete (headers as Record<string, string>)[name];
        }
      }
      if (
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && method === 'POST')
      ) {
        method = 'GET';
        body = undefined;
      }
      writeLog(this.options.logger, 'debug', `Redirected (${response.status}) to ${next.href}`);
      url = next.href;
    }
  }

  /** Closes the keep-alive sockets. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private async once(request: TransportRequest, ctx: CallContext): Promise<TransportResponse> {
    const details = { method: request.method, url: request.url };
    ctx.throwIfAborted(details);
    const streamedBody = request.body instanceof Readable ? request.body : undefined;
    // A streamed body has its own idle timeout (axios's `timeout` would be wall-clock up to
    // the headers, so a long steady upload would fail).
    const guard = streamedBody ? new UploadGuard(this.options.timeoutMs) : undefined;
    const raw = request.body;
    const data = streamedBody
      ? guard?.wrap(streamedBody)
      : typeof raw === 'string'
        ? Buffer.from(raw, 'utf8')
        : raw instanceof Uint8Array
          ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)
          : undefined;
    const plan: BodyPlan = {
      maxBytes: request.maxBytes,
      truncate: request.truncate ?? false,
      stream: request.stream ?? false,
      onHeaders: () => guard?.stop(),
      onStreamFailure: (failure) => this.streamFailure(failure, request, ctx),
    };
    const config = {
      method: request.method,
      url: request.url,
      headers: request.headers,
      data,
      signal: guard ? AbortSignal.any([ctx.signal, guard.signal]) : ctx.signal,
      timeout: guard ? 0 : this.options.timeoutMs,
      [KIND]: request.kind,
      [PLAN]: plan,
      // A stream can be sent only once; a request marked `retry: false` is sent once too.
      ...(streamedBody || request.retry === false ? { 'axios-retry': { retries: 0 } } : {}),
    };
    let response: AxiosResponse<unknown>;
    try {
      response = await this.axios.request<unknown>(config);
    } catch (error) {
      const axiosError = error as AxiosError<unknown>;
      if (!axiosError.response || !isStatusFailure(axiosError)) {
        throw this.mapFailure(axiosError, request, ctx, guard);
      }
      response = axiosError.response; // a retryable status, retries used up
      response.data = await this.readErrorBody(response.data);
    } finally {
      guard?.stop();
    }
    const headers = plainHeaders(response.headers);
    if (request.stream && response.data instanceof Readable) {
      return {
        status: response.status,
        headers,
        body: Buffer.alloc(0),
        stream: response.data,
        url: request.url,
      };
    }
    return { status: response.status, headers, body: toBuffer(response.data), url: request.url };
  }

  /**
   * The response interceptor: a 2xx body of a `stream` request is handed on behind an idle
   * guard; every other body is read here, capped and under the idle timeout. A failure is
   * thrown as an axios error, for axios-retry to judge.
   */
  private async readResponseBody(
    response: AxiosResponse<unknown>,
  ): Promise<AxiosResponse<unknown>> {
    const plan = planOf(response.config);
    if (!plan || !(response.data instanceof Readable)) return response;
    plan.onHeaders();
    const ok = response.status >= 200 && response.status < 300;
    if (!ok) {
      response.data = await this.readErrorBody(response.data);
      return response;
    }
    if (plan.stream) {
      response.data = guardDownload(response.data, this.options.timeoutMs, plan.onStreamFailure);
      return response;
    }
    try {
      response.data = await readBody(response.data, {
        limit: plan.maxBytes,
        truncate: plan.truncate,
        idleMs: this.options.timeoutMs,
      });
    } catch (failure) {
      throw this.bodyAxiosError(failure as BodyFailure, response.config, response.request, plan);
    }
    return response;
  }

  /** An error body, at most {@link MAX_ERROR_BODY_BYTES}; a broken one counts as empty. */
  private readErrorBody(data: unknown): Promise<Buffer> {
    if (!(data instanceof Readable)) return Promise.resolve(toBuffer(data));
    return readBody(data, {
      limit: MAX_ERROR_BODY_BYTES,
      truncate: true,
      idleMs: this.options.timeoutMs,
    }).catch(() => Buffer.alloc(0));
  }

  /** A body failure as the axios error the retry condition and {@link mapFailure} know. */
  private bodyAxiosError(
    failure: BodyFailure,
    config: InternalAxiosRequestConfig,
    request: unknown,
    plan: BodyPlan,
  ): Error {
    if (failure.kind === 'idle') {
      return new AxiosError(
        `timeout of ${this.options.timeoutMs}ms exceeded (no bytes of the body)`,
        'ETIMEDOUT',
        config,
        request,
      );
    }
    if (failure.kind === 'overflow') {
      return new AxiosError(
        `maxContentLength size of ${plan.maxBytes} exceeded`,
        'ERR_BAD_RESPONSE',
        config,
        request,
      );
    }
    const cause = failure.cause as { code?: unknown } | undefined;
    if (cause?.code === 'ERR_CANCELED') return failure.cause as Error;
    const code =
      typeof cause?.code === 'string' && RETRYABLE_ERROR_CODES.has(cause.code)
        ? cause.code
        : 'ECONNRESET';
    return new AxiosError(failure.message, code, config, request);
  }

  /** The typed error a streamed 2xx body fails with. */
  private streamFailure(failure: BodyFailure, request: TransportRequest, ctx: CallContext): Error {
    const details = { method: request.method, url: request.url, cause: failure.cause ?? failure };
    if (ctx.signal.aborted) return ctx.abortError(details);
    if (failure.kind === 'idle') {
      return new RequestTimeoutError(
        `${request.method} ${request.url}: no bytes of the body for ${this.options.timeoutMs} ms`,
        'attempt',
        this.options.timeoutMs,
        details,
      );
    }
    return new RegistryError(
      `${request.method} ${request.url}: the body stream failed: ${failure.message}`,
      details,
      'NETWORK_ERROR',
    );
  }

  private mapFailure(
    error: AxiosError,
    request: TransportRequest,
    ctx: CallContext,
    guard: UploadGuard | undefined,
  ): Error {
    const details = { method: request.method, url: request.url, cause: error };
    if (ctx.signal.aborted) return ctx.abortError(details);
    if (guard?.timedOut) {
      return new RequestTimeoutError(
        `${request.method} ${request.url}: nothing sent or received for ${this.options.timeoutMs} ms during the upload`,
        'attempt',
        this.options.timeoutMs,
        details,
      );
    }
    // The streamed body failed on its own (a download's digest check, its own timeout).
    const bodyError = (request.body as Readable | undefined)?.errored;
    if (request.body instanceof Readable && bodyError instanceof ManifestListMergerError) {
      return bodyError;
    }
    if (error.code === 'ERR_CANCELED') return ctx.abortError(details);
    if (/maxContentLength/i.test(error.message)) {
      return new ManifestTooLargeError(
        `The body of ${request.method} ${request.url} is larger than the limit of ${request.maxBytes} bytes`,
        request.maxBytes,
        details,
      );
    }
    if (error.code === 'ETIMEDOUT' && /timeout of/i.test(error.message)) {
      return new RequestTimeoutError(
        `${request.method} ${request.url}: nothing received for ${this.options.timeoutMs} ms (after ${this.options.retry.retries + 1} attempts at most)`,
        'attempt',
        this.options.timeoutMs,
        details,
      );
    }
    return new RegistryError(
      `${request.method} ${request.url} failed: ${error.code ?? error.message}`,
      details,
      'NETWORK_ERROR',
    );
  }
}

function retryAfterOf(error: AxiosError): number | undefined {
  const headers = error.response?.headers as Record<string, unknown> | undefined;
  const value = headers?.['retry-after'];
  return typeof value === 'string' ? parseRetryAfter(value) : undefined;
}

function plainHeaders(headers: unknown): Record<string, string> {
  const source =
    headers && typeof (headers as { toJSON?: unknown }).toJSON === 'function'
      ? (headers as { toJSON: () => Record<string, unknown> }).toJSON()
      : ((headers ?? {}) as Record<string, unknown>);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

function toBuffer(data: unknown): Buffer {
  if (data === undefined || data === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(String(data), 'utf8');
}
