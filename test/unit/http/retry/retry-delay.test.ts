import { describe, expect, it } from 'vitest';
import { computeRetryDelay, parseRetryAfter } from '../../../../src/http/retry/retry-delay.js';
import { resolveRetryPolicy } from '../../../../src/http/retry/retry-policy.js';

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
