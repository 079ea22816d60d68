/** Options of {@link mapLimit}. */
export interface MapLimitOptions {
  /** Once aborted, no new task starts. */
  signal?: AbortSignal | undefined;
  /** Called once, with the first failure, while other tasks may still run: abort them here. */
  onFailure?: ((error: unknown) => void) | undefined;
}

/**
 * Runs `task` over `items` with at most `limit` running at once and resolves their results in
 * input order. After the first failure no new task starts, `onFailure` is told (so the caller
 * can abort what is in flight), and the call rejects with that first failure only once every
 * started task has settled: nothing keeps running behind a rejected promise.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
  options: MapLimitOptions = {},
): Promise<R[]> {
  const { signal, onFailure } = options;
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const fail = (error: unknown): void => {
    if (failure) return;
    failure = { error };
    onFailure?.(error);
  };
  const worker = async (): Promise<void> => {
    while (next < items.length && !failure) {
      if (signal?.aborted) {
        fail(signal.reason);
        return;
      }
      const index = next++;
      try {
        results[index] = await task(items[index] as T, index);
      } catch (error) {
        fail(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
  return results;
}

/**
 * Limits how many operations run at once across unrelated callers (e.g. every blob transfer
 * of a children copy, however deeply nested the indexes are).
 */
export class Limiter {
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  /** Runs `fn` as soon as fewer than `limit` operations are running. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#active >= this.limit)
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#active++;
    try {
      return await fn();
    } finally {
      this.#active--;
      this.#waiting.shift()?.();
    }
  }
}
