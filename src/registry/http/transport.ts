import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';
import axios, { type AxiosError, type AxiosInstance, type AxiosResponse } from 'axios';
import * as axiosRetryModule from 'axios-retry';
import { ManifestTooLargeError } from '../../errors/manifest-too-large-error.js';
import { redact } from '../../errors/redact.js';
import { RegistryError } from '../../errors/registry-error.js';
import { RequestTimeoutError } from '../../errors/request-timeout-error.js';
import { isLoopbackHost } from '../reference.js';
import { isRetryableFailure, RETRYABLE_STATUSES } from '../retry/retry-condition.js';
import { computeRetryDelay, parseRetryAfter } from '../retry/retry-delay.js';
import type { RetryPolicy } from '../retry/retry-policy.js';
import type { CallContext } from './call-context.js';
import { type RegistryLogger, writeLog } from './logger.js';
import type { RequestCounts, RequestEvent, RequestKind } from './request-event.js';

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
   * does not follow a redirect that would need the body again.
   */
  body?: Uint8Array | string | Readable;
  kind: RequestKind;
  /** Largest body accepted; a longer one is aborted while reading (not applied to `stream`). */
  maxBytes: number;
  /** Hand a 2xx body back as a stream (`TransportResponse.stream`) instead of bytes. */
  stream?: boolean;
  /**
   * `false`: never retried (a manifest PUT to a tag: a late retry could land over a newer
   * list; the caller reads again instead).
   */
  retry?: boolean;
}

/** A response as the transport hands it back: any status, the body as bytes. */
export interface TransportResponse {
  status: number;
  /** Header names lower-case; repeated headers joined with `, `. */
  headers: Record<string, string>;
  body: Buffer;
  /** The body, for a 2xx answer to a `stream: true` request (then `body` is empty). */
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
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * HTTP for the registry client: axios with axios-retry (our retry condition, capped
 * exponential back-off with full jitter, `Retry-After`), a per-attempt timeout, manual
 * redirects that drop `Authorization` when leaving the origin, a size cap on bodies, and the
 * `onRequest` hook. Answers with any final status; throws typed errors for everything else.
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
      responseType: 'arraybuffer',
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
      const next = new URL(location, url);
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
    const streamedBody = request.body instanceof Readable;
    const data =
      request.body === undefined || request.body instanceof Readable
        ? request.body
        : typeof request.body === 'string'
          ? Buffer.from(request.body, 'utf8')
          : Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
    const config = {
      method: request.method,
      url: request.url,
      headers: request.headers,
      data,
      signal: ctx.signal,
      responseType: request.stream ? ('stream' as const) : ('arraybuffer' as const),
      maxContentLength: request.stream ? -1 : request.maxBytes,
      [KIND]: request.kind,
      // A stream can be sent only once; a request marked `retry: false` is sent once too.
      ...(streamedBody || request.retry === false ? { 'axios-retry': { retries: 0 } } : {}),
    };
    let response: AxiosResponse<ArrayBuffer>;
    try {
      response = await this.axios.request<ArrayBuffer>(config);
    } catch (error) {
      const axiosError = error as AxiosError<ArrayBuffer>;
      if (axiosError.response) {
        response = axiosError.response; // a retryable status, retries used up
      } else {
        throw this.mapFailure(axiosError, request, ctx);
      }
    }
    const headers = plainHeaders(response.headers);
    if (request.stream) {
      const stream = response.data as unknown as Readable;
      if (response.status >= 200 && response.status < 300) {
        return {
          status: response.status,
          headers,
          body: Buffer.alloc(0),
          stream,
          url: request.url,
        };
      }
      const body = await readCapped(stream, request.maxBytes).catch(() => Buffer.alloc(0));
      return { status: response.status, headers, body, url: request.url };
    }
    return { status: response.status, headers, body: toBuffer(response.data), url: request.url };
  }

  private mapFailure(error: AxiosError, request: TransportRequest, ctx: CallContext): Error {
    const details = { method: request.method, url: request.url, cause: error };
    if (ctx.signal.aborted || error.code === 'ERR_CANCELED') return ctx.abortError(details);
    if (/maxContentLength/i.test(error.message)) {
      return new ManifestTooLargeError(
        `The body of ${request.method} ${request.url} is larger than the limit of ${request.maxBytes} bytes`,
        request.maxBytes,
        details,
      );
    }
    if (error.code === 'ETIMEDOUT' && /timeout of/i.test(error.message)) {
      return new RequestTimeoutError(
        `${request.method} ${request.url}: no answer within ${this.options.timeoutMs} ms (after ${this.options.retry.retries + 1} attempts at most)`,
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

/** Reads at most `limit` bytes of `stream`, then destroys it. */
async function readCapped(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      chunks.push(buffer.subarray(0, Math.max(0, limit - total)));
      total += buffer.byteLength;
      if (total >= limit) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks);
}

function toBuffer(data: unknown): Buffer {
  if (data === undefined || data === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(String(data), 'utf8');
}
