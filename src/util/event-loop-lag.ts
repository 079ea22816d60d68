import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * How late this process's event loop ran, interval by interval. A request timed while the
 * loop was blocked (a cold start compiling code, a starved process) looks slower than the
 * network made it: the push protocol subtracts the blocked time from round trips, and stretches
 * its settle window by it (a loaded host delays its other writers too).
 */
const RESOLUTION_MS = 2;

export class LagMonitor {
  readonly #histogram: IntervalHistogram;
  #peak = 0;

  constructor() {
    this.#histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.#histogram.enable();
  }

  /** The longest delay (ms) since the previous call (or since the start); then starts anew. */
  takeMaxMs(): number {
    // The histogram records the whole interval between its timer's runs: an idle loop reads
    // about the resolution.
    const max = this.#histogram.max / 1e6 - RESOLUTION_MS;
    this.#histogram.reset();
    const taken = Number.isFinite(max) && max > 0 ? max : 0;
    this.#peak = Math.max(this.#peak, taken);
    return taken;
  }

  /**
   * The longest delay (ms) since the monitor started, as far as {@link takeMaxMs} has taken
   * it: how long a process on this host may go without running, which its peers can suffer
   * too.
   */
  get peakMs(): number {
    return this.#peak;
  }

  /** Stops measuring. */
  close(): void {
    this.#histogram.disable();
  }
}
