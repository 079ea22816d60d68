/**
 * How failed requests are retried. Every field has a default; see {@link DEFAULT_RETRY_POLICY}.
 *
 * @example
 * ```ts
 * new HttpRegistryClient({ retry: { retries: 2, baseDelayMs: 100, maxDelayMs: 2_000 } });
 * ```
 */
export interface RetryPolicy {
  /**
   * Retries after the first attempt (0 disables retrying).
   * @default 4
   */
  retries?: number;
  /**
   * The back-off before retry n is a random value in `[0, min(maxDelayMs, baseDelayMs * 2^(n-1))]`
   * (exponential back-off with full jitter).
   * @default 250
   */
  baseDelayMs?: number;
  /**
   * Upper bound of the exponential back-off.
   * @default 10_000
   */
  maxDelayMs?: number;
  /**
   * A `Retry-After` (seconds or HTTP-date) is honoured up to this many milliseconds; a longer
   * one is cut down to it.
   * @default 60_000
   */
  maxRetryAfterMs?: number;
}

/** The retry policy's defaults. */
export const DEFAULT_RETRY_POLICY: Readonly<Required<RetryPolicy>> = Object.freeze({
  retries: 4,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
});

/**
 * Fills a partial policy with the defaults (an `undefined` field takes the default, never
 * wipes it) and clamps negative or non-finite values.
 *
 * @example
 * ```ts
 * resolveRetryPolicy({ retries: 1 }).baseDelayMs; // 250
 * ```
 */
export function resolveRetryPolicy(policy: RetryPolicy = {}): Required<RetryPolicy> {
  const pick = (value: number | undefined, fallback: number): number =>
    value === undefined || !Number.isFinite(value) || value < 0 ? fallback : value;
  return {
    retries: Math.floor(pick(policy.retries, DEFAULT_RETRY_POLICY.retries)),
    baseDelayMs: pick(policy.baseDelayMs, DEFAULT_RETRY_POLICY.baseDelayMs),
    maxDelayMs: pick(policy.maxDelayMs, DEFAULT_RETRY_POLICY.maxDelayMs),
    maxRetryAfterMs: pick(policy.maxRetryAfterMs, DEFAULT_RETRY_POLICY.maxRetryAfterMs),
  };
}
