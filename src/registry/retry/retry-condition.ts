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

/** What {@link isRetryableFailure} looks at: an axios error's shape, loosely. */
export interface FailureShape {
  code?: string | undefined;
  message?: string | undefined;
  response?: { status: number } | undefined;
}

/**
 * True for failures worth another attempt: a retryable status, a network error (reset,
 * refused, timed out, `socket hang up`), or an attempt's own timeout. Never for a cancelled
 * request (the caller's signal or the deadline): those stop everything.
 *
 * @example
 * ```ts
 * isRetryableFailure({ response: { status: 503 } }); // true
 * isRetryableFailure({ code: 'ERR_CANCELED' }); // false
 * ```
 */
export function isRetryableFailure(failure: FailureShape): boolean {
  if (failure.code === 'ERR_CANCELED') return false;
  if (failure.response) return RETRYABLE_STATUSES.has(failure.response.status);
  if (failure.code !== undefined && RETRYABLE_ERROR_CODES.has(failure.code)) return true;
  return /socket hang up|ECONNRESET|other side closed/i.test(failure.message ?? '');
}
