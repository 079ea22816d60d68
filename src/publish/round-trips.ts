import { registryOf } from '../manifest/reference.js';

/** The shortest round trip this process has seen to each registry, in ms. */
const fastest = new Map<string, number>();

/**
 * The shortest round trip to one registry: what the network takes, as far as this process can
 * tell. A cold process is slow to handle its first answers, so its first round trips overstate
 * the network; the estimate only ever drops, and starts from what earlier merges in this
 * process saw. Time the event loop was blocked during a request is taken off it.
 */
export class RoundTrips {
  readonly #key: string;
  #min: number;

  /**
   * Whether an earlier merge in this process measured this registry: a process's first round
   * trips (a cold start) overstate the network, so its first push reads the tag again just
   * before its PUT, warm.
   */
  readonly trusted: boolean;

  /** For the registry of `image`. */
  constructor(image: string) {
    this.#key = registryOf(image);
    const known = fastest.get(this.#key);
    this.trusted = known !== undefined;
    this.#min = known ?? Number.POSITIVE_INFINITY;
  }

  /** Records a request that took `ms`, `blockedMs` of which the event loop was blocked. */
  record(ms: number, blockedMs = 0): void {
    const network = Math.max(0, ms - blockedMs);
    if (network >= this.#min) return;
    this.#min = network;
    fastest.set(this.#key, Math.min(network, fastest.get(this.#key) ?? network));
  }

  /** The shortest round trip seen, in ms (0 before any). */
  get ms(): number {
    return Number.isFinite(this.#min) ? this.#min : 0;
  }
}
