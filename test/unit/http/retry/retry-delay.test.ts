import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../../../src/errors/index.js';
import { isRetryableFailure } from '../../../../src/http/retry/retry-condition.js';
import { computeRetryDelay, parseRetryAfter } from '../../../../src/http/retry/retry-delay.js';
import {
  DEFAULT_RETRY_POLICY,
  resolveRetryPolicy,
} from '../../../../src/http/retry/retry-policy.js';

const policy = resolveRetryPolicy({
  retries: 5,
  baseDelayMs: 100,
  maxDelayMs: 1_000,
  maxRetryAfterMs: 5_000,
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('2', now)).toBe(2_000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
  });
  it('reads an HTTP-date, relative to now, never negative', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
  });
  it('ignores what it cannot read', () => {
    for (const bad of [undefined, null, '', '-1', '1.5', '10s', 'soon']) {
      expect(parseRetryAfter(bad as string | undefined, now)).toBeUndefined();
    }
  });
});

describe('computeRetryDelay', () => {
  it('is full jitter within the exponential ceiling', () => {
    expect(computeRetryDelay(1, policy, undefined, () => 0)).toBe(0);
    expect(computeRetryDelay(1, policy, undefined, () => 0.999999)).toBe(99);
    expect(computeRetryDelay(3, policy, undefined, () => 0.5)).toBe(200);
    for (let retry = 1; retry <= 10; retry += 1) {
      const ceiling = Math.min(1_000, 100 * 2 ** (retry - 1));
      for (let i = 0; i < 50; i += 1) {
        const delay = computeRetryDelay(retry, policy);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
      }
    }
  });
  it('caps the exponential growth at maxDelayMs, even for huge retry numbers', () => {
    expect(computeRetryDelay(60, policy, undefined, () => 0.999999)).toBe(999);
    expect(computeRetryDelay(5000, policy, undefined, () => 0.5)).toBe(500);
  });
  it('honours Retry-After, capped at maxRetryAfterMs', () => {
    expect(computeRetryDelay(1, policy, 1_500)).toBe(1_500);
    expect(computeRetryDelay(1, policy, 0)).toBe(0);
    expect(computeRetryDelay(1, policy, 3_600_000)).toBe(5_000);
  });
});

describe('resolveRetryPolicy', () => {
  it('fills undefined fields with defaults instead of wiping them', () => {
    expect(resolveRetryPolicy({ retries: undefined, baseDelayMs: 10 })).toEqual({
      ...DEFAULT_RETRY_POLICY,
      baseDelayMs: 10,
    });
    expect(resolveRetryPolicy()).toEqual(DEFAULT_RETRY_POLICY);
    expect(resolveRetryPolicy({ retries: 0 }).retries).toBe(0);
  });
  it.each([
    [{ retries: -1 }, 'retry.retries'],
    [{ retries: 1.5 }, 'retry.retries'],
    [{ retries: Number.POSITIVE_INFINITY }, 'retry.retries'],
    [{ retries: 101 }, 'retry.retries'],
    [{ maxDelayMs: Number.NaN }, 'retry.maxDelayMs'],
    [{ baseDelayMs: -5 }, 'retry.baseDelayMs'],
    [{ maxRetryAfterMs: 2 ** 31 }, 'retry.maxRetryAfterMs'],
    [{ baseDelayMs: '10' as unknown as number }, 'retry.baseDelayMs'],
  ])('refuses %o with InvalidOptionError (no silent default)', (policy, option) => {
    const error = (() => {
      try {
        resolveRetryPolicy(policy);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as InvalidOptionError).option).toBe(option);
  });
});

describe('isRetryableFailure', () => {
  const statusFailure = (status: number) => ({
    message: `Request failed with status code ${status}`,
    response: { status },
  });
  it.each([408, 429, 500, 502, 503, 504])('retries status %d', (status) => {
    expect(isRetryableFailure(statusFailure(status))).toBe(true);
  });
  it.each([400, 401, 403, 404, 405, 409, 501])('does not retry status %d', (status) => {
    expect(isRetryableFailure(statusFailure(status))).toBe(false);
  });
  it('retries a body cut off mid-way, although axios attaches a 200 response to it', () => {
    expect(
      isRetryableFailure({
        code: 'ERR_BAD_RESPONSE',
        message: 'stream has been aborted',
        response: { status: 200 },
      }),
    ).toBe(true);
    expect(
      isRetryableFailure({ code: 'ECONNRESET', message: 'aborted', response: { status: 200 } }),
    ).toBe(true);
  });
  it('retries network errors and attempt timeouts, never cancellations', () => {
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE']) {
      expect(isRetryableFailure({ code })).toBe(true);
    }
    expect(isRetryableFailure({ message: 'socket hang up' })).toBe(true);
    expect(isRetryableFailure({ code: 'ERR_CANCELED' })).toBe(false);
    expect(
      isRetryableFailure({
        code: 'ERR_BAD_RESPONSE',
        message: 'maxContentLength size of 1 exceeded',
      }),
    ).toBe(false);
    expect(isRetryableFailure({ code: 'ENOTFOUND' })).toBe(false);
  });
});
