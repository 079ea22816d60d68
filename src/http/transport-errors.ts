import { Readable } from 'node:stream';
import type { AxiosError } from 'axios';
import { ManifestListMergerError } from '../errors/base-error.js';
import { ManifestTooLargeError } from '../errors/manifest-too-large-error.js';
import { NetworkError } from '../errors/network-error.js';
import { RequestTimeoutError } from '../errors/request-timeout-error.js';
import type { BodyFailure, UploadGuard } from './body.js';
import type { CallContext } from './call-context.js';

/** What the typed errors of one request say about it. */
export interface FailedRequest {
  method: string;
  url: string;
  /** The request's body: a streamed one may have failed on its own. */
  body?: unknown;
  /** The largest 2xx body it accepted. */
  maxBytes: number;
}

/** The transport's limits, as the messages quote them. */
export interface FailureLimits {
  timeoutMs: number;
  retries: number;
}

/**
 * The typed error for a request that got no final answer: the call's abort or deadline, an
 * upload's idle timeout, its streamed body's own failure, a body over the cap, an attempt's
 * timeout, or a {@link NetworkError}.
 */
export function requestFailure(
  error: AxiosError,
  request: FailedRequest,
  ctx: CallContext,
  guard: UploadGuard | undefined,
  limits: FailureLimits,
): Error {
  const details = { method: request.method, url: request.url, cause: error };
  const timeout = { ...details, timeoutKind: 'attempt', timeoutMs: limits.timeoutMs } as const;
  if (ctx.signal.aborted) return ctx.abortError(details);
  if (guard?.timedOut) return new RequestTimeoutError({ ...timeout, phase: 'upload' });
  // The streamed body failed on its own (a download's digest check, its own timeout).
  const bodyError = request.body instanceof Readable ? request.body.errored : undefined;
  if (bodyError instanceof ManifestListMergerError) return bodyError;
  if (error.code === 'ERR_CANCELED') return ctx.abortError(details);
  if (/maxContentLength/i.test(error.message)) {
    return new ManifestTooLargeError({ ...details, limit: request.maxBytes });
  }
  if (error.code === 'ETIMEDOUT' && /timeout of/i.test(error.message)) {
    return new RequestTimeoutError({ ...timeout, attempts: limits.retries + 1 });
  }
  return new NetworkError({ ...details, detail: error.code ?? error.message });
}

/** The typed error a streamed 2xx body fails with: the call's abort, an idle timeout, or the network. */
export function streamFailure(
  failure: BodyFailure,
  request: FailedRequest,
  ctx: CallContext,
  timeoutMs: number,
): Error {
  const details = { method: request.method, url: request.url, cause: failure.cause ?? failure };
  if (ctx.signal.aborted) return ctx.abortError(details);
  if (failure.kind === 'idle') {
    return new RequestTimeoutError({
      ...details,
      timeoutKind: 'attempt',
      timeoutMs,
      phase: 'body',
    });
  }
  return new NetworkError({ ...details, phase: 'body', detail: failure.message });
}
