import { RETRYABLE_ERROR_CODES, RETRYABLE_STATUSES } from '../../registry/retryable.js';

export { RETRYABLE_ERROR_CODES, RETRYABLE_STATUSES };

/** What {@link isRetryableFailure} looks at: an axios error's shape, loosely. */
export interface FailureShape {
  code?: string | undefined;
  message?: string | undefined;
  response?: { status: number } | undefined;
}

/**
 * True when a failure is an HTTP status the server answered (axios's "Request failed with
 * status code N"), not a failure that merely carries a response object: axios attaches the
 * response to a body that broke off mid-way too ("stream has been aborted"), and that one is
 * a network failure.
 *
 * @example
 * ```ts
 * isStatusFailure({ message: 'Request failed with status code 503', response: { status: 503 } }); // true
 * isStatusFailure({ message: 'stream has been aborted', response: { status: 200 } }); // false
 * ```
 */
export function isStatusFailure(failure: FailureShape): boolean {
  return (
    failure.response !== undefined && /^Request failed with status code/.test(failure.message ?? '')
  );
}

/**
 * True for failures worth another attempt: a retryable status, a network error (reset,
 * refused, timed out, `socket hang up`, a body cut off mid-way), or an attempt's own
 * timeout. Never for a cancelled request (the caller's signal or the deadline): those stop
 * everything.
 *
 * @example
 * ```ts
 * isRetryableFailure({ message: 'Request failed with status code 503', response: { status: 503 } }); // true
 * isRetryableFailure({ message: 'stream has been aborted', response: { status: 200 } }); // true
 * isRetryableFailure({ code: 'ERR_CANCELED' }); // false
 * ```
 */
export function isRetryableFailure(failure: FailureShape): boolean {
  if (failure.code === 'ERR_CANCELED') return false;
  if (isStatusFailure(failure)) return RETRYABLE_STATUSES.has(failure.response?.status ?? 0);
  if (failure.code !== undefined && RETRYABLE_ERROR_CODES.has(failure.code)) return true;
  return /socket hang up|ECONNRESET|other side closed|stream has been aborted|^aborted$/i.test(
    failure.message ?? '',
  );
}
