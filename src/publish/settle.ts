/**
 * The settle window: how long a push waits after its PUT before verifying the tag. `'auto'`
 * derives it from the PUT's measured round trip; a number (ms) fixes it.
 */
export type SettleTime = 'auto' | number;

/** The shortest settle window `'auto'` uses, in ms. */
export const MIN_AUTO_SETTLE_MS = 10;
/** The longest settle window `'auto'` uses, in ms. */
export const MAX_AUTO_SETTLE_MS = 2_000;

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/**
 * The settle window after a PUT that took `putMs`, with `rttMs` the shortest round trip seen
 * and `blockedMs` the longest the event loop was blocked in the merge (during the PUT or
 * before it: a peer on this host may have gone as long without running): the most of half the PUT's
 * round trip, what it took beyond the shortest round trip (a loaded registry delays the other
 * writers' requests as it delayed ours), and twice the blocked time (a loaded host delays its
 * other processes too); at least {@link MIN_AUTO_SETTLE_MS}, at most
 * {@link MAX_AUTO_SETTLE_MS}. A number setting is used as it is.
 *
 * @example
 * ```ts
 * settleAfterPut(22, 'auto', 20); // 11: half the round trip
 * settleAfterPut(52, 'auto', 1); // 51: a loaded registry
 * settleAfterPut(1, 'auto', 1); // 10: the floor
 * ```
 */
export function settleAfterPut(
  putMs: number,
  setting: SettleTime,
  rttMs = putMs,
  blockedMs = 0,
): number {
  if (setting !== 'auto') return setting;
  const excess = Math.max(0, putMs - rttMs);
  return clamp(Math.max(putMs / 2, excess, 2 * blockedMs), MIN_AUTO_SETTLE_MS, MAX_AUTO_SETTLE_MS);
}

/** When a push looks again at the tag, derived from the round trip and the settle setting. */
export interface WatchTiming {
  /** A read sent longer ago than this (ms) is checked again before the PUT. */
  freshForMs: number;
  /** A PUT still unanswered this long (ms) after it was sent is watched: the tag is polled. */
  answerDueMs: number;
  /** The interval between polls of a watched PUT, in ms. */
  pollEveryMs: number;
}

/**
 * The protocol's checks, spaced so that no stretch between the read a push is based on and
 * the landing of its PUT goes unobserved for much longer than a peer at the same distance
 * covers with its settle window: a read is fresh, and a PUT's answer on time, within a round
 * trip's allowance (`allowanceMs`: the smoothed round trip and four deviations) and half a
 * settle window. A late PUT is polled every half window.
 *
 * @example
 * ```ts
 * watchTiming(20, 'auto', 24); // { freshForMs: 29, answerDueMs: 29, pollEveryMs: 5 }
 * ```
 */
export function watchTiming(rttMs: number, setting: SettleTime, allowanceMs = rttMs): WatchTiming {
  const half = settleAfterPut(rttMs, setting) / 2;
  const due = Math.max(rttMs, allowanceMs) + half;
  return { freshForMs: due, answerDueMs: due, pollEveryMs: Math.max(1, half) };
}
