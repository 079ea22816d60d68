import type { RegistryErrorDetails } from '../errors/registry-error.js';
import { RequestAbortedError } from '../errors/request-aborted-error.js';
import { RequestTimeoutError } from '../errors/request-timeout-error.js';
import { linkSignals } from '../util/signals.js';

const DEADLINE = Symbol('deadline');

/**
 * One public call's lifetime: the caller's `AbortSignal` and the overall deadline merged into
 * one signal that every request, retry sleep and token fetch under the call listens to.
 *
 * @example
 * ```ts
 * const ctx = new CallContext(options.signal, 60_000);
 * try { await work(ctx.signal); } finally { ctx.dispose(); }
 * ```
 */
export class CallContext {
  /** Fires when the caller aborts or the deadline passes. */
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    userSignal: AbortSignal | undefined,
    private readonly deadlineMs: number | undefined,
  ) {
    this.signal = linkSignals(userSignal, this.controller.signal);
    if (deadlineMs !== undefined && deadlineMs > 0 && Number.isFinite(deadlineMs)) {
      // Unref'd: a blob stream its reader abandoned must not keep the process alive until the
      // deadline (requests in flight keep it alive on their own).
      this.timer = setTimeout(() => this.controller.abort(DEADLINE), deadlineMs);
      this.timer.unref();
    }
  }

  /** True once the deadline has passed (and the caller had not aborted first). */
  get deadlineExceeded(): boolean {
    return this.signal.aborted && this.signal.reason === DEADLINE;
  }

  /** The typed error for the current abort: {@link RequestTimeoutError} or {@link RequestAbortedError}. */
  abortError(details: RegistryErrorDetails = {}): RequestAbortedError | RequestTimeoutError {
    if (this.deadlineExceeded) {
      return new RequestTimeoutError({
        ...details,
        timeoutKind: 'deadline',
        timeoutMs: this.deadlineMs ?? 0,
      });
    }
    return new RequestAbortedError(details);
  }

  /** Throws {@link abortError} when the signal has fired. */
  throwIfAborted(details: RegistryErrorDetails = {}): void {
    if (this.signal.aborted) throw this.abortError(details);
  }

  /** Races `promise` against the signal, so work that cannot be cancelled is not waited for. */
  race<T>(promise: Promise<T>, details: RegistryErrorDetails = {}): Promise<T> {
    this.throwIfAborted(details);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(this.abortError(details));
      this.signal.addEventListener('abort', onAbort, { once: true });
      promise.then(
        (value) => {
          this.signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          this.signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  /** Stops the deadline timer. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
