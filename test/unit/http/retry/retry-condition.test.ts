import { describe, expect, it } from 'vitest';
import { isRetryableFailure } from '../../../../src/http/retry/retry-condition.js';

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
