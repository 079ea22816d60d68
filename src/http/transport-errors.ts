import { Readable } from 'node:stream';
import type { AxiosError } from 'axios';
import { ManifestListMergerError } from '../errors/base-error.js';
import { ManifestTooLargeError } from '../errors/manifest-too-large-error.js';
import { RegistryError } from '../errors/registry-error.js';
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
 * timeout, or a `NETWORK_ERROR` {@link RegistryError}.
 */
export function requestFailure(
  error: AxiosError,
  request: FailedRequest,
  ctx: CallContext,
  guard: UploadGuard | undefined,
  limits: FailureLimits,
): Error {
  const details = { method: request.method, url: request.url, cause: error };
  const where = `${request.method} ${request.url}`;
  if (ctx.signal.aborted) return ctx.abortError(details);
  if (guard?.timedOut) {
    return new RequestTimeoutError(
      `${where}: nothing sent or received for ${limits.timeoutMs} ms during the upload`,
      'attempt',
      limits.timeoutMs,
      details,
    );
  }
  // The streamed body failed on its own (a download's digest check, its own timeout).
  const bodyError = request.body instanceof Readable ? request.body.errored : undefined;
  if (bodyError instanceof ManifestListMergerError) return bodyError;
  if (error.code === 'ERR_CANCELED') return ctx.abortError(details);
  if (/maxContentLength/i.test(error.message)) {
    return new ManifestTooLargeError(
      `The body of ${where} is larger than the limit of ${request.maxBytes} bytes`,
      request.maxBytes,
      details,
    );
  }
  if (error.code === 'ETIMEDOUT' && /timeout of/i.test(error.message)) {
    return new RequestTimeoutError(
      `${where}: nothing received for ${limits.timeoutMs} ms (after ${limits.retries + 1} attempts at most)`,
      'attempt',
      limits.timeoutMs,
      details,
    );
  }
  return new RegistryError(
    `${where} failed: ${error.code ?? error.message}`,
    details,
    'NETWORK_ERROR',
  );
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
    return new RequestTimeoutError(
      `${request.method} ${request.url}: no bytes of the body for ${timeoutMs} ms`,
      'attempt',
      timeoutMs,
      details,
    );
  }
  return new RegistryError(
    `${request.method} ${request.url}: the body stream failed: ${failure.message}`,
    details,
    'NETWORK_ERROR',
  );
}
