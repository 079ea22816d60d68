import { describe, expect, it } from 'vitest';
import { RoundTrips } from '../../../src/publish/round-trips.js';

describe('RoundTrips', () => {
  it('is strict in a cold process, and allows a smoothed round trip with four deviations later', () => {
    const rtt = new RoundTrips('rtt-a.test/ns/app:1');
    expect(rtt.trusted).toBe(false);
    rtt.record(30);
    rtt.record(20);
    // Cold: the shortest round trip, strictly.
    expect(rtt.ms).toBe(20);
    expect(rtt.allowanceMs).toBe(20);
    for (let i = 0; i < 40; i++) rtt.record(20 + (i % 2) * 4, i % 2);
    // A later merge in this process starts from what this one saw, and allows for jitter.
    const later = new RoundTrips('rtt-a.test/ns/other:2');
    expect(later.trusted).toBe(true);
    expect(later.ms).toBe(20);
    expect(later.allowanceMs).toBeGreaterThan(21);
    expect(later.allowanceMs).toBeLessThan(35);
  });
});
