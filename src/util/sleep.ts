import { RequestAbortedError } from '../errors/request-aborted-error.js';

/**
 * Waits `ms` milliseconds, or less: until `until` settles (when given). Rejects with a
 * {@link RequestAbortedError} as soon as `signal` aborts. Leaves no timer or listener behind.
 */
export function sleep(
  ms: number,
  options: { signal?: AbortSignal | undefined; until?: Promise<unknown> } = {},
): Promise<void> {
  const { until } = options;
  // A signal shared by many callers (a mergeMany batch) gets no listener of ours: we listen on
  // a signal that follows it.
  const signal = options.signal ? AbortSignal.any([options.signal]) : undefined;
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new RequestAbortedError());
      return;
    }
    let settled = false;
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onAbort = (): void => finish(new RequestAbortedError());
    const timer = setTimeout(() => finish(), Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
    until?.then(
      () => finish(),
      () => finish(),
    );
  });
}
