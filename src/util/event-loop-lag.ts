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
    return Number.isFinite(max) && max > 0 ? max : 0;
  }

  /** Stops measuring. */
  close(): void {
    this.#histogram.disable();
  }
}
