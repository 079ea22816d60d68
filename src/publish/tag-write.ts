import { DigestMismatchError } from '../errors/digest-mismatch-error.js';
import { headOrGet, unlessNotFound } from '../registry/capabilities.js';
import {
  isPreconditionFailedError,
  type PutManifestOptions,
  type RegistryClient,
} from '../registry/client.js';
import { isRetryableFailure } from '../registry/retryable.js';
import type { LagMonitor } from '../util/event-loop-lag.js';
import { sleep } from '../util/sleep.js';
import type { RoundTrips } from './round-trips.js';
import { type SettleTime, settleAfterPut, watchTiming } from './settle.js';

/** One read of a tag: what it resolved to, and when the request went out and came back. */
export interface TagObservation {
  /** The digest the tag resolved to; `undefined` when it did not exist. */
  digest: string | undefined;
  /** `performance.now()` when the request was sent. */
  sentAt: number;
  /** `performance.now()` when the answer arrived. */
  receivedAt: number;
}

/** Reads what `image` (a tag) resolves to now, timed (HEAD where the client has one). */
export async function observeTag(
  client: RegistryClient,
  image: string,
  signal: AbortSignal | undefined,
): Promise<TagObservation> {
  const sentAt = performance.now();
  const head = await unlessNotFound(() => headOrGet(client, image, { signal }));
  return { digest: head?.digest, sentAt, receivedAt: performance.now() };
}

/** One push of a list to a tag under the write protocol. */
export interface TagPush {
  client: RegistryClient;
  /** The destination tag. */
  image: string;
  bytes: Uint8Array;
  mediaType: string;
  /** The digest of `bytes`. */
  digest: string;
  /** The read of the tag the list was computed from. */
  base: TagObservation;
  /** The shortest round trip to the destination registry; the push's own reads update it. */
  rtt: RoundTrips;
  settle: SettleTime;
  /** The caller vouches that nobody else writes the tag: no checks, no settle. */
  soleWriter: boolean;
  /**
   * Called once the PUT has landed (answered, or found in the tag after a failed connection),
   * before the settle window; not with `soleWriter`: work that should not load
   * the registry while the PUT is in flight, yet should be done by the time the tag is read back.
   */
  onPutAnswered?: (() => void) | undefined;
  /**
   * Measures how long the event loop is blocked: during the PUT, and its peak over the whole
   * merge (a peer on this host may have stalled as long); stretches an `'auto'` settle.
   */
  lag?: LagMonitor | undefined;
  signal?: AbortSignal | undefined;
}

/** What {@link pushTag} did. */
export type TagPushOutcome =
  | {
      /** Nothing of ours landed: the tag moved since `base`, or the PUT failed. Read again. */
      kind: 'moved';
      /** Why: the tag changed, the registry refused a precondition, or the PUT failed. */
      reason: 'changed' | 'precondition' | 'failed';
      /** For `failed`: the PUT's error. */
      error?: unknown;
    }
  | {
      kind: 'pushed';
      /** The PUT's round trip, in ms. */
      putMs: number;
      /** The longest the event loop was blocked while the PUT was in flight, in ms. */
      blockedMs: number;
      /** How long the push waited before its caller verifies, in ms. */
      settleMs: number;
      /** Tags states other than `base` and ours seen while the PUT was in flight. */
      foreign: string[];
      /** Reads of the tag made while the PUT was in flight. */
      polls: number;
    };

/**
 * Pushes a list to a tag so that a later read can judge whether it held:
 *
 * 1. when time has passed since `base` was read (a children copy, a slow answer), the tag
 *    is read again first; if it moved, nothing is pushed (`moved`);
 * 2. the PUT carries `If-Match: "<base digest>"` (`If-None-Match: *` for a new tag) and is
 *    never retried by the client; a 412 is `moved`; a failed PUT is `moved` unless the tag
 *    now resolves to our digest (it landed);
 * 3. while the PUT's answer is late (a round trip's allowance after it was sent), the tag
 *    is polled until the settle window ends: any other state seen then may be one our PUT
 *    overwrote (`foreign`);
 * 4. after the PUT, it waits the settle window, so that a writer who read the tag before our
 *    PUT landed has had time to land its own PUT before the caller verifies.
 *
 * With `soleWriter`, steps 1, 3 and 4 are skipped.
 */
export async function pushTag(push: TagPush): Promise<TagPushOutcome> {
  const { client, image, signal } = push;
  const { rtt } = push;
  let base = push.base;
  // A read is old when it was sent longer than a round trip's allowance and half a settle
  // window ago (a children copy, a slow merge, an answer slow to arrive): it is checked again. So is every read of a
  // process's first push: its round trips, cold, overstate the network.
  const checks = rtt.trusted ? MAX_FRESHNESS_CHECKS : MAX_COLD_FRESHNESS_CHECKS;
  for (let check = 0; !push.soleWriter && check < checks; check++) {
    const old =
      performance.now() - base.sentAt >
      watchTiming(rtt.ms, push.settle, rtt.allowanceMs).freshForMs;
    if (!old && (rtt.trusted || check > 0)) break;
    push.lag?.takeMaxMs();
    const now = await observeTag(client, image, signal);
    rtt.record(now.receivedAt - now.sentAt, push.lag?.takeMaxMs());
    if (now.digest !== base.digest) return { kind: 'moved', reason: 'changed' };
    base = now;
  }
  const timing = watchTiming(rtt.ms, push.settle, rtt.allowanceMs);
  const options: PutManifestOptions = {
    signal,
    ...(base.digest === undefined ? { ifNoneMatch: '*' } : { ifMatch: base.digest }),
  };
  const foreign = new Set<string>();
  let polls = 0;
  push.lag?.takeMaxMs();
  const sentAt = performance.now();
  const put = client.putManifest(image, push.bytes, push.mediaType, options);
  let answered = false;
  put.then(
    () => (answered = true),
    () => (answered = true),
  );
  // Polls stop when the settle window ends: a poll never makes the push wait longer.
  const polling = new AbortController();
  const pollSignal = signal ? AbortSignal.any([signal, polling.signal]) : polling.signal;
  const watcher = push.soleWriter
    ? Promise.resolve()
    : (async () => {
        await sleep(timing.answerDueMs, { signal: pollSignal, until: put }).catch(() => undefined);
        while (!answered && !pollSignal.aborted) {
          const seen = await observeTag(client, image, pollSignal).catch(() => undefined);
          polls += 1;
          if (seen?.digest !== undefined && seen.digest !== base.digest) {
            if (seen.digest !== push.digest) foreign.add(seen.digest);
          }
          await sleep(timing.pollEveryMs, { signal: pollSignal, until: put }).catch(
            () => undefined,
          );
        }
      })();
  let returned: string;
  try {
    returned = await put;
  } catch (error) {
    polling.abort();
    await watcher;
    if (isPreconditionFailedError(error)) return { kind: 'moved', reason: 'precondition' };
    if (!isRetryableFailure(error)) throw error;
    const now = await observeTag(client, image, signal);
    if (now.digest !== push.digest) return { kind: 'moved', reason: 'failed', error };
    returned = push.digest; // it landed before the connection failed
  }
  const putMs = performance.now() - sentAt;
  const blockedMs = push.lag?.takeMaxMs() ?? 0;
  if (typeof returned === 'string' && returned !== '' && returned !== push.digest) {
    polling.abort();
    await watcher;
    throw await storedUnderOtherDigest(push, returned);
  }
  if (push.soleWriter) {
    return { kind: 'pushed', putMs, blockedMs, settleMs: 0, foreign: [], polls: 0 };
  }
  // The PUT landed (answered, or found in the tag after a failed connection).
  push.onPutAnswered?.();
  // The longest the loop was blocked in this merge, not only during the PUT: a peer on this
  // host may have gone that long without running between its read and its PUT.
  const settleMs = settleAfterPut(
    putMs,
    push.settle,
    rtt.ms,
    Math.max(blockedMs, push.lag?.peakMs ?? 0),
  );
  try {
    await sleep(settleMs, { signal });
  } finally {
    polling.abort();
  }
  await watcher;
  return { kind: 'pushed', putMs, blockedMs, settleMs, foreign: [...foreign], polls };
}

/** Reads of the tag just before a PUT, at most, while each comes back too late to count. */
const MAX_FRESHNESS_CHECKS = 2;
/** The same in a cold process, whose answers are slow to be handled while it warms up. */
const MAX_COLD_FRESHNESS_CHECKS = 4;

/** The error for a registry that stored our list under another digest: the tag was written. */
async function storedUnderOtherDigest(push: TagPush, returned: string): Promise<Error> {
  const now = await observeTag(push.client, push.image, push.signal).catch(() => undefined);
  return new DigestMismatchError({
    expected: push.digest,
    actual: returned,
    source: 'push-response',
    reference: push.image,
    method: 'PUT',
    resolvesTo: now?.digest,
  });
}

/** Jittered exponential back-off after a failed PUT: up to 50 ms × 2^(attempt-1), at most 1 s. */
export function failedPutBackoffMs(attempt: number): number {
  return Math.random() * Math.min(1000, 50 * 2 ** (attempt - 1));
}
