import type http from 'node:http';
import type https from 'node:https';
import { Readable } from 'node:stream';
import axios, {
  AxiosError,
  type AxiosInstance,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import * as axiosRetryModule from 'axios-retry';
import { errorCode } from '../errors/guards.js';
import { redact } from '../errors/redact.js';
import { RegistryError } from '../errors/registry-error.js';
import { type Logger, log } from '../logger.js';
import { type BodyFailure, guardDownload, readBody, readErrorBody } from './body.js';
import type { RequestCounts, RequestEvent, RequestKind } from './request-event.js';
import {
  isRetryableFailure,
  RETRYABLE_ERROR_CODES,
  RETRYABLE_STATUSES,
} from './retry/retry-condition.js';
import { computeRetryDelay, parseRetryAfter } from './retry/retry-delay.js';
import type { RetryPolicy } from './retry/retry-policy.js';

// Our per-request markers, on axios's own config type (as axios-retry adds its `'axios-retry'`).
declare module 'axios' {
  interface AxiosRequestConfig {
    /** manifest-list-merger: who the request is for (counted and reported by kind). */
    mlmKind?: RequestKind;
    /** manifest-list-merger: what the response interceptor does with the body. */
    mlmBodyPlan?: BodyPlan;
  }
}

/** What the response interceptor does with one request's body. */
export interface BodyPlan {
  /** Largest 2xx body accepted. */
  maxBytes: number;
  /** Past `maxBytes`: cut the body instead of failing. */
  truncate: boolean;
  /** Hand a 2xx body on as a stream. */
  stream: boolean;
  /** The headers arrived (or the request failed): an upload's idle timer stops. */
  onHeaders: () => void;
  /** The typed error a streamed body fails with. */
  onStreamFailure: (failure: BodyFailure) => Error;
}

/** What {@link createAxios} sets up. */
export interface AxiosSetup {
  timeoutMs: number;
  retry: Required<RetryPolicy>;
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
  /** Counted per request sent (retries included). */
  counts: RequestCounts;
  logger?: Logger | undefined;
  onRequest?: ((event: RequestEvent) => void) | undefined;
}

type AxiosRetryFn = typeof import('axios-retry')['default'];

/**
 * The axios-retry function of `mod`: the default export in ESM, but a namespace object in a
 * CJS build (tsup), so whichever is callable. Resolved when a client is built, not at import:
 * a broken install fails that construction with a typed error, and nothing else.
 *
 * @throws {RegistryError} when `mod` holds no function (a broken or foreign axios-retry).
 */
export function resolveCallable(mod: unknown): AxiosRetryFn {
  let candidate = mod as { default?: unknown };
  for (let depth = 0; depth < 3 && typeof candidate !== 'function'; depth += 1) {
    candidate = candidate?.default as { default?: unknown };
  }
  if (typeof candidate !== 'function') {
    throw new RegistryError({
      problem:
        'the axios-retry module could not be loaded (a broken installation): reinstall manifest-list-merger',
    });
  }
  return candidate as unknown as AxiosRetryFn;
}

/**
 * The axios instance of a transport: no redirects followed (the transport does), bodies as
 * streams read by a response interceptor that runs before axios-retry's (so a connection
 * dropped mid-body is retried like any network error), and axios-retry with our retry
 * condition, capped exponential back-off with full jitter and `Retry-After`. Retryable
 * statuses reject (so axios-retry sees them); every other status resolves.
 */
export function createAxios(setup: AxiosSetup): AxiosInstance {
  const instance = axios.create({
    httpAgent: setup.httpAgent,
    httpsAgent: setup.httpsAgent,
    maxRedirects: 0,
    responseType: 'stream',
    maxContentLength: -1,
    transformResponse: [(data: unknown) => data],
    transformRequest: [(data: unknown) => data],
    decompress: true,
    timeout: setup.timeoutMs,
    transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: false },
    validateStatus: (status) => !RETRYABLE_STATUSES.has(status),
  });
  instance.interceptors.request.use((config) => {
    // axios-retry re-enters here when a back-off sleep is aborted; nothing will be sent.
    if (config.signal?.aborted) return config;
    const kind = config.mlmKind ?? 'registry';
    const attempt = (config['axios-retry']?.retryCount ?? 0) + 1;
    const method = (config.method ?? 'get').toUpperCase();
    const url = redact(config.url ?? '');
    setup.counts[kind] += 1;
    try {
      setup.onRequest?.({ method, url, kind, attempt });
    } catch {
      // a throwing hook must not break the request
    }
    return config;
  });
  // Registered before axios-retry's, so a body that fails here is retried like a request.
  // The request log: one line per request sent, with what answered it (a status, or the
  // network error), so a 401 challenge and its retry read as two different lines.
  instance.interceptors.response.use(
    (response) => {
      log(setup.logger, 'debug', `${requestLine(response.config)}: ${response.status}`);
      return readResponseBody(response, setup.timeoutMs);
    },
    (error: AxiosError) => {
      if (error.config) {
        const answer = error.response?.status ?? error.code ?? error.message;
        log(setup.logger, 'debug', `${requestLine(error.config)}: ${answer}`);
      }
      error.config?.mlmBodyPlan?.onHeaders();
      return Promise.reject(error);
    },
  );
  const policy = setup.retry;
  resolveCallable(axiosRetryModule)(instance, {
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
      log(
        setup.logger,
        'warn',
        `Retrying ${(config.method ?? 'get').toUpperCase()} ${config.url ?? ''} after ${what} (retry ${retryCount} of ${policy.retries})`,
      );
    },
  });
  return instance;
}

/** `GET https://… (registry, attempt 1)`: a request as the debug log names it. */
function requestLine(config: InternalAxiosRequestConfig): string {
  const kind = config.mlmKind ?? 'registry';
  const attempt = (config['axios-retry']?.retryCount ?? 0) + 1;
  const method = (config.method ?? 'get').toUpperCase();
  return `${method} ${redact(config.url ?? '')} (${kind}, attempt ${attempt})`;
}

/**
 * The response interceptor: a 2xx body of a `stream` request is handed on behind an idle
 * guard; every other body is read here, capped and under the idle timeout. A failure is
 * thrown as an axios error, for axios-retry to judge.
 */
async function readResponseBody(
  response: AxiosResponse<unknown>,
  idleMs: number,
): Promise<AxiosResponse<unknown>> {
  const plan = response.config.mlmBodyPlan;
  if (!plan || !(response.data instanceof Readable)) return response;
  plan.onHeaders();
  if (response.status < 200 || response.status >= 300) {
    response.data = await readErrorBody(response.data, idleMs);
    return response;
  }
  if (plan.stream) {
    response.data = guardDownload(response.data, idleMs, plan.onStreamFailure);
    return response;
  }
  try {
    response.data = await readBody(response.data, {
      limit: plan.maxBytes,
      truncate: plan.truncate,
      idleMs,
    });
  } catch (failure) {
    throw bodyAxiosError(failure as BodyFailure, response.config, response.request, idleMs);
  }
  return response;
}

/** A body failure as the axios error the retry condition and the transport's mapping know. */
function bodyAxiosError(
  failure: BodyFailure,
  config: InternalAxiosRequestConfig,
  request: unknown,
  idleMs: number,
): Error {
  if (failure.kind === 'idle') {
    return new AxiosError(
      `timeout of ${idleMs}ms exceeded (no bytes of the body)`,
      'ETIMEDOUT',
      config,
      request,
    );
  }
  if (failure.kind === 'overflow') {
    return new AxiosError(
      `maxContentLength size of ${config.mlmBodyPlan?.maxBytes} exceeded`,
      'ERR_BAD_RESPONSE',
      config,
      request,
    );
  }
  const causeCode = errorCode(failure.cause);
  if (causeCode === 'ERR_CANCELED') return failure.cause as Error;
  const code = causeCode && RETRYABLE_ERROR_CODES.has(causeCode) ? causeCode : 'ECONNRESET';
  return new AxiosError(failure.message, code, config, request);
}

function retryAfterOf(error: AxiosError): number | undefined {
  const headers = error.response?.headers as Record<string, unknown> | undefined;
  const value = headers?.['retry-after'];
  return typeof value === 'string' ? parseRetryAfter(value) : undefined;
}
