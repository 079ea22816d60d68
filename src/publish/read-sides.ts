// The reads of a publish: both sides at once, then the destination tag again, timed.
import { DestinationUnreadableError } from '../errors/destination-unreadable-error.js';
import { DuplicatePlatformError } from '../errors/duplicate-platform-error.js';
import { InvalidManifestListError } from '../errors/invalid-manifest-list-error.js';
import { singleImageOf } from '../manifest/image.js';
import { parseManifestListWithDuplicates } from '../manifest/parse.js';
import { registryOf } from '../manifest/reference.js';
import type { FetchedManifest, Platform } from '../manifest/types.js';
import { collapseDuplicates, duplicatePlatforms } from '../merge/duplicates.js';
import type { RegistryClient } from '../registry/client.js';
import { isNotFoundError, statusOf } from '../registry/client.js';
import type { LagMonitor } from '../util/event-loop-lag.js';
import { linkSignals } from '../util/signals.js';
import type { Side } from './plan-publish.js';
import type { TagRequest } from './request.js';
import { RoundTrips } from './round-trips.js';
import { singleImageSide } from './single-image.js';
import type { TagObservation } from './tag-write.js';

/** A read of the destination tag: its content (none when absent) and when it was read. */
export interface DestRead {
  side: Side | undefined;
  observed: TagObservation;
  /** The caller vouched the tag is new, and these credentials cannot read it. */
  unreadable?: boolean;
}

/**
 * Reads both sides of a publish and then the destination tag again, keeping the shortest
 * round trip to the destination registry. Round trips count only what the network took: time
 * the event loop was blocked meanwhile (a cold start, a starved process) is taken off.
 */
export class SideReader {
  /** The shortest round trip to the destination registry. */
  readonly rtt: RoundTrips;
  readonly #request: TagRequest;
  readonly #lag: LagMonitor;
  /** Single images' platforms, by config digest: the destination is read more than once. */
  readonly #platforms = new Map<string, Platform | undefined>();

  constructor(request: TagRequest, lag: LagMonitor) {
    this.#request = request;
    this.#lag = lag;
    this.rtt = new RoundTrips(request.destImage);
  }

  /**
   * Both sides, concurrently: one failing side aborts the other at once, and the first
   * failure is the one reported (the other side then fails only because it was aborted).
   * Both settle before this settles, so no request is left running behind a thrown error.
   */
  async both(): Promise<[Side, DestRead]> {
    const { srcClient, srcImage, destImage, call } = this.#request;
    const controller = new AbortController();
    const signal = linkSignals(call.signal, controller.signal);
    let firstError: { error: unknown } | undefined;
    const fail = (error: unknown): never => {
      firstError ??= { error };
      controller.abort(error);
      throw error;
    };
    this.#lag.takeMaxMs();
    const sentAt = performance.now();
    let srcRttMs = Number.POSITIVE_INFINITY;
    const srcPromise = srcClient
      .getManifest(srcImage, { signal })
      .then((fetched) => {
        srcRttMs = performance.now() - sentAt;
        return this.#side('source', srcImage, fetched, signal);
      })
      .catch(fail);
    const destPromise = this.#readDest(signal).catch(fail);
    const [srcResult, destResult] = await Promise.allSettled([srcPromise, destPromise]);
    if (firstError) throw firstError.error;
    if (srcResult.status === 'rejected') throw srcResult.reason;
    if (destResult.status === 'rejected') throw destResult.reason;
    const blocked = this.#lag.takeMaxMs();
    if (registryOf(srcImage) === registryOf(destImage)) this.rtt.record(srcRttMs, blocked);
    this.rtt.record(roundTrip(destResult.value.observed), blocked);
    return [srcResult.value, destResult.value];
  }

  /** The destination tag, read again. */
  async dest(): Promise<DestRead> {
    this.#lag.takeMaxMs();
    const read = await this.#readDest(this.#request.call.signal);
    this.rtt.record(roundTrip(read.observed), this.#lag.takeMaxMs());
    return read;
  }

  /**
   * Reads the destination tag, timed. Absent on a not-found error, except a 401 (after
   * accepted credentials) for a merge that would push: unless the token grants pull (then the
   * registry says the repository is missing, as Quay does) or the caller vouched the tag is
   * new, that is a {@link DestinationUnreadableError}: a push would replace what it could
   * not read. (Not `unlessNotFound`: which not-found error it was decides.)
   */
  async #readDest(signal: AbortSignal | undefined): Promise<DestRead> {
    const { destClient, destImage, call, settings } = this.#request;
    const sentAt = performance.now();
    let fetched: FetchedManifest;
    try {
      fetched = await destClient.getManifest(destImage, { signal });
    } catch (error) {
      if (!isNotFoundError(error)) throw error;
      const absent: DestRead = {
        side: undefined,
        observed: { digest: undefined, sentAt, receivedAt: performance.now() },
      };
      if (statusOf(error) !== 401 || !call.push) return absent;
      if ((error as { pullGranted?: unknown }).pullGranted === true) return absent;
      if (settings.newDestination) return { ...absent, unreadable: true };
      throw new DestinationUnreadableError({ image: destImage, cause: error });
    }
    const observed = { digest: fetched.digest, sentAt, receivedAt: performance.now() };
    // Outside the try: a single image's missing config blob is no missing destination.
    return { side: await this.#side('destination', destImage, fetched, signal), observed };
  }

  /**
   * `fetched` as a side of the merge: a single image becomes a one-entry list (its platform
   * from its config blob), a list is parsed, and, with `match: 'platform'`, its duplicate
   * platforms are collapsed to the first entry of each (a destination's always, a source's
   * only with `collapseSourceDuplicates`; otherwise a {@link DuplicatePlatformError}).
   * `match: 'architecture'` takes lists as they are, duplicates included, as pubtools-quay.
   */
  async #side(
    side: 'source' | 'destination',
    image: string,
    fetched: FetchedManifest,
    signal: AbortSignal | undefined,
  ): Promise<Side> {
    const { settings, srcClient, destClient } = this.#request;
    const single = singleImageOf(fetched);
    if (single !== undefined) {
      const client: RegistryClient = side === 'source' ? srcClient : destClient;
      const fallback = side === 'source' ? settings.platform : undefined;
      return singleImageSide(fetched, single, {
        client,
        image,
        side,
        fallback,
        signal,
        cache: this.#platforms,
      });
    }
    const list = parseSide(side, image, fetched);
    if (settings.match === 'architecture') return { fetched, list };
    const duplicates = duplicatePlatforms(list);
    if (duplicates.length === 0) return { fetched, list };
    if (side === 'source' && !settings.collapseSourceDuplicates) {
      throw new DuplicatePlatformError({ image, duplicates });
    }
    const names = duplicates.map((d) => `${d.platform} (${d.indexes.length} entries)`);
    const warning =
      side === 'source'
        ? `The source '${image}' lists a platform more than once: ${names.join(', ')}; took the first entry of each, the one a runtime picks`
        : `The destination '${image}' had duplicate platforms: ${names.join(', ')}; kept the first entry of each, the one a runtime picks, and removed the others`;
    return { fetched, list: collapseDuplicates(list).list, asRead: list, warnings: [warning] };
  }
}

function roundTrip(observed: TagObservation): number {
  return observed.receivedAt - observed.sentAt;
}

/** `fetched` parsed as a list (duplicates allowed); an invalid one is an error naming the side. */
function parseSide(
  side: 'source' | 'destination',
  image: string,
  fetched: FetchedManifest,
): Side['list'] {
  try {
    return parseManifestListWithDuplicates(fetched.bytes);
  } catch (error) {
    if (error instanceof InvalidManifestListError) {
      throw new InvalidManifestListError({
        problem: error.problem,
        field: error.field,
        reason: error.reason,
        image,
        side,
        cause: error,
      });
    }
    throw error;
  }
}
