// What failures of a registry call are worth another try: the one list, used by the HTTP
// client's retries and by the write protocol after a failed PUT.
import type { ErrorCode } from '../errors/codes.js';
import { errorCode } from '../errors/guards.js';
import { type RegistryClient, statusOf } from './client.js';

/** HTTP statuses that are retried: 408, 429, 500, 502, 503, 504. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** Network error codes that are retried. */
export const RETRYABLE_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ECONNABORTED',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** The library's own codes of a failure worth another try (any client's error may carry them). */
const RETRYABLE_CODES: ReadonlySet<string> = new Set<ErrorCode>(['NETWORK_ERROR', 'TIMEOUT']);

/**
 * True for a failure of a {@link RegistryClient} call worth another try: a network error,
 * a timeout, or a retryable status (408, 429, 5xx). Never an abort. After a failed write,
 * the write may or may not have landed.
 *
 * @example
 * ```ts
 * isRetryableFailure({ status: 503 }); // true
 * isRetryableFailure({ code: 'ECONNRESET' }); // true
 * ```
 */
export function isRetryableFailure(error: unknown): boolean {
  const status = statusOf(error);
  if (typeof status === 'number') return RETRYABLE_STATUSES.has(status);
  const code = errorCode(error);
  return code !== undefined && (RETRYABLE_CODES.has(code) || RETRYABLE_ERROR_CODES.has(code));
}
