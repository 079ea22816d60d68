// Two writers merging different platforms into one tag at the same moment, through different
// client instances and different spellings of the registry's host (`127.0.0.1:PORT` and
// `localhost:PORT` are different tag lock keys, so this process's lock does not serialise
// them: they contend as two processes would). distribution 2.8.2 does not honour If-Match,
// so the later PUT overwrites the earlier; the protocol's verification has to see it and put
// the lost platform back.
import { performance } from 'node:perf_hooks';
import { HttpRegistryClient, type MergeResult } from '../../../src/index.js';
import { getManifest } from '../../../test/support/images.js';
import type { TestRegistry } from '../../../test/support/registry.js';
import { progress } from '../config.js';
import {
  CONTENDER_PLATFORMS,
  DEST_PLATFORMS,
  type Endpoint,
  type Fixture,
  REPO,
  setTag,
} from '../fixture.js';
import { counter, libMerge } from '../library.js';

export interface ContentionRun {
  endpoint: Endpoint;
  rounds: number;
  writers: number;
  /** Wall ms of each contended merge (every writer of every round). */
  samples: number[];
  /** Wall ms of each round (until both writers were done). */
  roundMs: number[];
  /** `verification.settleMs` of each contended merge. */
  settleMs: number[];
  /** Attempts (read-merge-write rounds) of each merge. */
  attempts: number[];
  /** Registry requests of each merge. */
  requests: number[];
  /** Merges that restored a platform another writer's PUT had overwritten. */
  restoring: number;
  /** Merges that saw another writer's list while their PUT was in flight. */
  sawOthers: number;
  /** Rounds whose final tag held every writer's platform and the destination's. */
  complete: number;
}

const platformsOf = (bytes: Buffer): Set<string> => {
  const list = JSON.parse(bytes.toString('utf8')) as {
    manifests: { platform?: { os: string; architecture: string; variant?: string } }[];
  };
  return new Set(
    list.manifests.flatMap((m) =>
      m.platform
        ? [
            `${m.platform.os}/${m.platform.architecture}${m.platform.variant ? `/${m.platform.variant}` : ''}`,
          ]
        : [],
    ),
  );
};

export async function measureContention(
  reg: TestRegistry,
  ep: Endpoint,
  fx: Fixture,
  rounds: number,
): Promise<ContentionRun> {
  const tag = `${ep.key}-contended`;
  const hosts = [ep.host, ep.altHost];
  const writers = fx.contenders.map((src, i) => {
    const count = counter();
    const client = new HttpRegistryClient({ onRequest: count.onRequest });
    return { src, host: hosts[i % hosts.length] as string, client, count };
  });
  const run: ContentionRun = {
    endpoint: ep,
    rounds,
    writers: writers.length,
    samples: [],
    roundMs: [],
    settleMs: [],
    attempts: [],
    requests: [],
    restoring: 0,
    sawOthers: 0,
    complete: 0,
  };
  const expected = [...DEST_PLATFORMS, ...CONTENDER_PLATFORMS];
  const warmup = 3;
  progress(`contention, ${ep.label}: ${warmup} warm-up rounds, then ${rounds} rounds`);
  for (let round = 0; round < warmup + rounds; round++) {
    await setTag(reg, REPO, tag, fx.destInit);
    const t0 = performance.now();
    const outcomes = await Promise.all(
      writers.map(async (w) => {
        w.count.reset();
        const start = performance.now();
        const result: MergeResult = await libMerge({
          client: w.client,
          host: w.host,
          repo: REPO,
          src: w.src,
          dest: tag,
          expectPushed: true,
          maxAttempts: 10,
        });
        return { result, ms: performance.now() - start, requests: w.count.counts.registry };
      }),
    );
    const roundMs = performance.now() - t0;
    const final = platformsOf((await getManifest(reg, REPO, tag)).bytes);
    if (round < warmup) continue;
    run.roundMs.push(roundMs);
    if (expected.every((p) => final.has(p))) run.complete += 1;
    for (const o of outcomes) {
      run.samples.push(o.ms);
      run.attempts.push(o.result.attempts);
      run.requests.push(o.requests);
      const v = o.result.verification;
      if (v) {
        run.settleMs.push(v.settleMs);
        if (v.restored.length > 0) run.restoring += 1;
        if (v.otherWriters > 0) run.sawOthers += 1;
      }
    }
  }
  for (const w of writers) w.client.close();
  progress(`  ${run.complete}/${rounds} rounds ended with every platform`);
  return run;
}
