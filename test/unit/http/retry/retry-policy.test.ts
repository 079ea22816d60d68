import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../../../src/errors/index.js';
import {
  DEFAULT_RETRY_POLICY,
  resolveRetryPolicy,
} from '../../../../src/http/retry/retry-policy.js';

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
