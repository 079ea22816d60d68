import { registryOf } from '../manifest/reference.js';

interface Estimate {
  /** The shortest round trip seen, ms. */
  min: number;
  /** The smoothed round trip (RFC 6298's SRTT), ms. */
  smoothed: number;
  /** Its mean deviation (RFC 6298's RTTVAR), ms. */
  deviation: number;
}

/** What this process has measured of each registry. */
const known = new Map<string, Estimate>();

/**
 * Round trips to one registry, as far as this process can tell what the network takes: the
 * shortest, and a smoothed round trip with its deviation (as TCP estimates them, RFC 6298).
 * Time the event loop was blocked during a request is taken off it, and the estimates carry
 * over to later merges in this process.
 */
export class RoundTrips {
  readonly #key: string;
  #estimate: Estimate | undefined;

  /**
   * Whether an earlier merge in this process measured this registry: a process's first round
   * trips (a cold start) overstate the network, so its first push reads the tag again just
   * before its PUT, warm.
   */
  readonly trusted: boolean;

  /** For the registry of `image`. */
  constructor(image: string) {
    this.#key = registryOf(image);
    const earlier = known.get(this.#key);
    this.trusted = earlier !== undefined;
    this.#estimate = earlier ? { ...earlier } : undefined;
  }

  /** Records a request that took `ms`, `blockedMs` of which the event loop was blocked. */
  record(ms: number, blockedMs = 0): void {
    const sample = Math.max(0, ms - blockedMs);
    const e = this.#estimate;
    this.#estimate = e
      ? {
          min: Math.min(e.min, sample),
          deviation: 0.75 * e.deviation + 0.25 * Math.abs(e.smoothed - sample),
          smoothed: 0.875 * e.smoothed + 0.125 * sample,
        }
      : { min: sample, smoothed: sample, deviation: sample / 2 };
    known.set(this.#key, this.#estimate);
  }

  /** The shortest round trip seen, in ms (0 before any). */
  get ms(): number {
    return this.#estimate?.min ?? 0;
  }

  /**
   * How long a round trip may take before it counts as late. In a process that has measured
   * this registry before: the smoothed round trip and four deviations (TCP's retransmission
   * timeout), so that ordinary jitter is not taken for a late answer, but never more than
   * half again the shortest round trip and 2 ms (an answer that took much longer than the
   * network takes is late, however noisy earlier round trips were). In a cold process, whose
   * round trips are inflated by its own start: the shortest one seen, strictly. In ms (0
   * before any).
   */
  get allowanceMs(): number {
    const e = this.#estimate;
    if (!e) return 0;
    if (!this.trusted) return e.min;
    return Math.min(e.smoothed + 4 * e.deviation, 1.5 * e.min + 2);
  }
}
