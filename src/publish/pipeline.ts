// The publish pipeline: what one merge call runs, over the RegistryClient interface alone.
//
//   lock the tag (a call that writes) → read both sides → attempts: merge (or restore),
//   plan (planPublish), children, PUT under the write protocol (tag-write), verify
import { log } from '../logger.js';
import { tagKey } from '../manifest/reference.js';
import { LagMonitor } from '../util/event-loop-lag.js';
import { runAttempts } from './attempts.js';
import { openingLine } from './merge-lists.js';
import type { PublishRequest } from './request.js';
import type { MergeResult } from './result.js';
import { withTagLock } from './tag-lock.js';

/**
 * Runs one merge call: logs pubtools-quay's opening and closing lines, and, for a call that
 * writes, holds the tag's lock in this process, so that merges into one tag run one at a time.
 */
export async function publish(request: PublishRequest): Promise<MergeResult> {
  return underTagLock(request, openingLine(request), 'Merging manifests lists: complete.', (lag) =>
    runAttempts(request, lag),
  );
}

/**
 * Runs `run` between an opening and a closing log line with an event-loop lag monitor, under
 * the tag's lock when the call writes (merges and pushes of given bytes into one tag run one
 * at a time in this process).
 */
export async function underTagLock(
  request: Pick<PublishRequest, 'destImage' | 'settings' | 'call'>,
  opening: string,
  closing: string,
  run: (lag: LagMonitor) => Promise<MergeResult>,
): Promise<MergeResult> {
  const { logger } = request.settings;
  log(logger, 'info', opening);
  const body = async (): Promise<MergeResult> => {
    const lag = new LagMonitor();
    try {
      const result = await run(lag);
      log(logger, 'info', closing);
      return result;
    } finally {
      lag.close();
    }
  };
  const writes = request.call.push && !request.call.dryRun;
  return writes ? withTagLock(tagKey(request.destImage), body) : body();
}
