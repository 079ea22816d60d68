import { InvalidOptionError } from '../../errors/invalid-option-error.js';
import { MAX_TIMER_MS, numberOption } from '../../util/options.js';

/** The most retries a policy may ask for. */
const MAX_RETRIES = 100;

/**
 * How failed requests are retried. Every field has a default (its `@default`).
 *
 * @example
 * ```ts
 * new HttpRegistryClient({ retry: { retries: 2, baseDelayMs: 100, maxDelayMs: 2_000 } });
 * ```
 */
export interface RetryPolicy {
  /**
   * Retries after the first attempt (0 disables retrying), a whole number up to 100.
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
 * wipes it) and checks every field: `retries` a whole number from 0 to 100, the delays
 * numbers from 0 to {@link MAX_TIMER_MS}.
 *
 * @throws {InvalidOptionError} for `NaN`, a negative, a fractional `retries` or an
 *   out-of-range value (option `retry.retries`, `retry.baseDelayMs`, …).
 * @example
 * ```ts
 * resolveRetryPolicy({ retries: 1 }).baseDelayMs; // 250
 * ```
 */
export function resolveRetryPolicy(policy: RetryPolicy = {}): Required<RetryPolicy> {
  if (policy === null || typeof policy !== 'object') {
    throw new InvalidOptionError({
      option: 'retry',
      problem: `must be an object; got ${String(policy)}`,
    });
  }
  const delay = (name: Exclude<keyof RetryPolicy, 'retries'>): number =>
    numberOption(`retry.${name}`, policy[name], DEFAULT_RETRY_POLICY[name], {
      min: 0,
      max: MAX_TIMER_MS,
    });
  return {
    retries: numberOption('retry.retries', policy.retries, DEFAULT_RETRY_POLICY.retries, {
      min: 0,
      max: MAX_RETRIES,
      integer: true,
    }),
    baseDelayMs: delay('baseDelayMs'),
    maxDelayMs: delay('maxDelayMs'),
    maxRetryAfterMs: delay('maxRetryAfterMs'),
  };
}
