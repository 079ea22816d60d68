import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';
import type { AxiosError, AxiosInstance, AxiosRequestConfig, AxiosResponse } from 'axios';
import { type Logger, log } from '../logger.js';
import { linkSignals } from '../util/signals.js';
import { type BodyPlan, createAxios } from './axios-instance.js';
import { MAX_ERROR_BODY_BYTES, readErrorBody, toBuffer, UploadGuard } from './body.js';
import type { CallContext } from './call-context.js';
import { type Hop, nextHop } from './redirects.js';
import type { RequestCounts, RequestEvent, RequestKind } from './request-event.js';
import { isStatusFailure } from './retry/retry-condition.js';
import type { RetryPolicy } from './retry/retry-policy.js';
import { requestFailure, streamFailure } from './transport-errors.js';

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
   * (`ManifestTooLargeError`), unless `truncate`. Not applied to `stream`. Bodies of
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

/** A response as the transport hands it back: any status, the body as bytes. */
export interface TransportResponse {
  status: number;
  /** Header names lower-case; repeated headers joined with `, `. */
  headers: Record<string, string>;
  body: Buffer;
  /**
   * The body, for a 2xx answer to a `stream: true` request (then `body` is empty). It fails
   * with typed errors: `RequestTimeoutError` when no bytes come for `timeoutMs` while it is
   * read, the call's abort error, or a `NETWORK_ERROR` `RegistryError`.
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
  logger?: Logger | undefined;
  onRequest?: ((event: RequestEvent) => void) | undefined;
  maxRedirects?: number;
}

/**
 * HTTP for the registry client: axios with axios-retry (see {@link createAxios}), an idle
 * timeout per attempt and per direction (`timeoutMs` without a byte: before the headers,
 * between body chunks either way), manual redirects ({@link nextHop}), size caps on bodies,
 * and the `onRequest` hook. Answers with any final status; throws typed errors for
 * everything else.
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
    this.axios = createAxios({
      timeoutMs: options.timeoutMs,
      retry: options.retry,
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      counts: this.counts,
      logger: options.logger,
      onRequest: options.onRequest,
    });
  }

  /** Sends `request`, following redirects, and answers with the final response. */
  async send(request: TransportRequest, ctx: CallContext): Promise<TransportResponse> {
    const maxRedirects = this.options.maxRedirects ?? 5;
    let hop: Hop = {
      method: request.method,
      url: request.url,
      body: request.body,
      headers: { 'User-Agent': this.options.userAgent, ...request.headers },
    };
    for (let hops = 0; ; hops += 1) {
      const response = await this.once({ ...request, ...hop }, ctx);
      const next = nextHop(request, hop, response, hops, maxRedirects);
      if (!next) return response;
      log(this.options.logger, 'debug', `Redirected (${response.status}) to ${next.url}`);
      hop = next;
    }
  }

  /** Closes the keep-alive sockets. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private async once(request: TransportRequest, ctx: CallContext): Promise<TransportResponse> {
    ctx.throwIfAborted({ method: request.method, url: request.url });
    const streamedBody = request.body instanceof Readable ? request.body : undefined;
    // A streamed body has its own idle timeout (axios's `timeout` would be wall-clock up to
    // the headers, so a long steady upload would fail).
    const guard = streamedBody ? new UploadGuard(this.options.timeoutMs) : undefined;
    const raw = request.body;
    const plan: BodyPlan = {
      maxBytes: request.maxBytes,
      truncate: request.truncate ?? false,
      stream: request.stream ?? false,
      onHeaders: () => guard?.stop(),
      onStreamFailure: (failure) => streamFailure(failure, request, ctx, this.options.timeoutMs),
    };
    const config: AxiosRequestConfig = {
      method: request.method,
      url: request.url,
      headers: request.headers,
      data: streamedBody
        ? guard?.wrap(streamedBody)
        : typeof raw === 'string'
          ? Buffer.from(raw, 'utf8')
          : raw instanceof Uint8Array
            ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)
            : undefined,
      signal: linkSignals(ctx.signal, guard?.signal),
      timeout: guard ? 0 : this.options.timeoutMs,
      mlmKind: request.kind,
      mlmBodyPlan: plan,
      // A stream can be sent only once; a request marked `retry: false` is sent once too.
      ...(streamedBody || request.retry === false ? { 'axios-retry': { retries: 0 } } : {}),
    };
    let response: AxiosResponse<unknown>;
    try {
      response = await this.axios.request<unknown>(config);
    } catch (error) {
      const axiosError = error as AxiosError<unknown>;
      if (!axiosError.response || !isStatusFailure(axiosError)) {
        throw requestFailure(axiosError, request, ctx, guard, {
          timeoutMs: this.options.timeoutMs,
          retries: this.options.retry.retries,
        });
      }
      response = axiosError.response; // a retryable status, retries used up
      response.data = await readErrorBody(response.data, this.options.timeoutMs);
    } finally {
      guard?.stop();
    }
    const headers = plainHeaders(response.headers);
    if (request.stream && response.data instanceof Readable) {
      const stream = response.data;
      return { status: response.status, headers, body: Buffer.alloc(0), stream, url: request.url };
    }
    return { status: response.status, headers, body: toBuffer(response.data), url: request.url };
  }
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
