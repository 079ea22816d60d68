import type { RetryPolicy } from './retry-policy.js';

/**
 * Parses a `Retry-After` header: delay-seconds (`"120"`) or an HTTP-date
 * (`"Wed, 21 Oct 2026 07:28:00 GMT"`). Returns milliseconds from `now` (0 for a date in the
 * past), or `undefined` when the value is missing or unreadable.
 *
 * @example
 * ```ts
 * parseRetryAfter('2'); // 2000
 * parseRetryAfter(new Date(Date.now() + 5000).toUTCString()); // about 5000
 * ```
 */
export function parseRetryAfter(
  value: string | string[] | undefined | null,
  now: number = Date.now(),
): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // "1.5", "-1", "10s" are not valid forms; an HTTP-date names a day and a month.
  if (/^[-+\d]/.test(text) || !/[a-z]{3}/i.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * The delay before retry number `retry` (1 for the first retry): the server's `Retry-After`
 * when it sent one (capped at `maxRetryAfterMs`), else exponential back-off with full jitter,
 * `random() * min(maxDelayMs, baseDelayMs * 2^(retry-1))`.
 *
 * @example
 * ```ts
 * const policy = { retries: 4, baseDelayMs: 250, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 };
 * computeRetryDelay(3, policy); // somewhere in [0, 1000]
 * computeRetryDelay(1, policy, 120_000); // 60000: Retry-After capped
 * ```
 */
export function computeRetryDelay(
  retry: number,
  policy: Required<RetryPolicy>,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined)
    return Math.min(Math.max(0, retryAfterMs), policy.maxRetryAfterMs);
  const exponent = Math.max(0, retry - 1);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(exponent, 52));
  return Math.floor(random() * ceiling);
}
