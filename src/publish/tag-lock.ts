const tails = new Map<string, Promise<unknown>>();

/**
 * Runs `fn` once every earlier call with the same `key` has settled: merges into one
 * destination tag are serialised within this process, whichever merger or client runs them.
 * Different keys run concurrently. The map holds an entry only while calls are queued.
 */
export async function withTagLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const tail = run.catch(() => undefined);
  tails.set(key, tail);
  try {
    return await run;
  } finally {
    if (tails.get(key) === tail) tails.delete(key);
  }
}
