import { describe, expect, it } from 'vitest';
import { settleAfterPut, watchTiming } from '../../../src/publish/settle.js';

describe('settleAfterPut', () => {
  it.each([
    // putMs, rttMs, blockedMs → settle
    [22, 20, 0, 11], // a remote registry: half the PUT's round trip
    [1, 1, 0, 10], // loopback: the floor
    [52, 1, 0, 51], // a loaded registry: what the PUT took beyond a round trip
    [5, 1, 30, 60], // a blocked event loop: twice the blocked time
    [60_000, 1, 0, 2000], // capped
  ])('PUT %s ms, round trip %s ms, blocked %s ms → %s ms', (put, rtt, blocked, expected) => {
    expect(settleAfterPut(put, 'auto', rtt, blocked)).toBeCloseTo(expected, 5);
  });

  it('a fixed setting is used as it is', () => {
    expect(settleAfterPut(500, 25, 1, 100)).toBe(25);
  });
});

describe('watchTiming', () => {
  it('spaces the checks by half the settle window a peer at the same distance uses', () => {
    expect(watchTiming(20, 'auto', 24)).toEqual({
      freshForMs: 29,
      answerDueMs: 29,
      pollEveryMs: 5,
    });
    expect(watchTiming(0, 100)).toEqual({ freshForMs: 50, answerDueMs: 50, pollEveryMs: 50 });
  });
});
