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

  /** For the registry of `image`. */
  constructor(image: string) {
    this.#key = registryOf(image);
    this.#min = fastest.get(this.#key) ?? Number.POSITIVE_INFINITY;
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
