// The one worker pool (src/util/worker-pool.ts): mapLimit bounds a batch and settles it whole
// before it rejects; Limiter bounds unrelated callers.
import { describe, expect, it } from 'vitest';
import { Limiter, mapLimit } from '../../../src/util/worker-pool.js';

const tick = (ms = 1) => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts how many calls of the wrapped function run at once. */
function gauge() {
  const stats = { inFlight: 0, max: 0, started: 0, settled: 0 };
  const run = async <T>(fn: () => Promise<T>): Promise<T> => {
    stats.inFlight++;
    stats.started++;
    stats.max = Math.max(stats.max, stats.inFlight);
    try {
      return await fn();
    } finally {
      stats.inFlight--;
      stats.settled++;
    }
  };
  return { stats, run };
}

describe('mapLimit', () => {
  it('resolves the results in input order, whatever order the tasks finish in', async () => {
    const delays = [30, 1, 20, 5, 10];
    const results = await mapLimit(delays, 3, async (ms, index) => {
      await tick(ms);
      return `${index}:${ms}`;
    });
    expect(results).toEqual(['0:30', '1:1', '2:20', '3:5', '4:10']);
  });

  it.each([
    [1, 10],
    [3, 10],
    [8, 20],
  ])('runs at most %i tasks at once, and that many when it can (%i items)', async (limit, n) => {
    const { stats, run } = gauge();
    await mapLimit(Array.from({ length: n }), limit, () => run(() => tick(2)));
    expect(stats.max).toBe(limit);
    expect(stats.started).toBe(n);
  });

  it('runs one task at a time for a limit below 1, and nothing for no items', async () => {
    const { stats, run } = gauge();
    await mapLimit([1, 2, 3], 0, () => run(() => tick(1)));
    expect(stats.max).toBe(1);
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
  });

  it('after the first failure starts nothing new, tells onFailure once, and rejects with it only once the started tasks settled', async () => {
    const { stats, run } = gauge();
    const failures: unknown[] = [];
    const first = new Error('first');
    const outcome = mapLimit(
      Array.from({ length: 20 }, (_, i) => i),
      4,
      (i) =>
        run(async () => {
          if (i === 1) {
            await tick(5);
            throw first;
          }
          if (i === 2) {
            await tick(10);
            throw new Error('second');
          }
          await tick(40);
          return i;
        }),
      { onFailure: (error) => failures.push(error) },
    ).then(
      () => ({ rejected: false as const }),
      (error: unknown) => ({ rejected: true as const, error, settled: stats.settled }),
    );
    const result = await outcome;
    expect(result).toMatchObject({ rejected: true, error: first });
    expect(failures).toEqual([first]);
    // The four that had started (0..3) all settled before the rejection; no fifth ever ran.
    expect(stats.started).toBe(4);
    expect(result.rejected && result.settled).toBe(4);
  });

  it('an aborted signal starts nothing and rejects with its reason', async () => {
    const reason = new Error('stop');
    const { stats, run } = gauge();
    await expect(
      mapLimit([1, 2, 3], 2, () => run(() => tick(1)), { signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
    expect(stats.started).toBe(0);
  });

  it('a signal aborted mid-batch lets the running tasks finish and starts no other', async () => {
    const controller = new AbortController();
    const { stats, run } = gauge();
    const outcome = mapLimit(
      Array.from({ length: 10 }),
      2,
      () =>
        run(async () => {
          await tick(1);
          controller.abort(new Error('enough'));
          await tick(5);
        }),
      { signal: controller.signal },
    );
    await expect(outcome).rejects.toThrow('enough');
    expect(stats.started).toBe(2);
    expect(stats.settled).toBe(2);
  });
});

describe('Limiter', () => {
  it('bounds operations across unrelated callers and runs the waiting ones in order', async () => {
    const limiter = new Limiter(2);
    const { stats, run } = gauge();
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        limiter.run(() =>
          run(async () => {
            order.push(i);
            await tick(3);
          }),
        ),
      ),
    );
    expect(stats.max).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('passes results and failures through, and a failure frees its slot', async () => {
    const limiter = new Limiter(1);
    const failed = limiter.run(async () => {
      throw new Error('boom');
    });
    const next = limiter.run(async () => 'next ran');
    await expect(failed).rejects.toThrow('boom');
    expect(await next).toBe('next ran');
  });
});
