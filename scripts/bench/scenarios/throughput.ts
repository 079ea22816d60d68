// Many merges of distinct tags: the library's `mergeMany` at some concurrency against the
// seed baseline merging one tag after another. Legs run in an order and then in reverse
// (ABBA), each merging a fresh source into its tags, so every merge pushes new bytes.
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HttpRegistryClient, mergeMany } from '../../../src/index.js';
import type { TestRegistry } from '../../../test/support/registry.js';
import { progress } from '../config.js';
import { cpuMeter, findChildPid, processCpuMs } from '../cpu.js';
import { type Endpoint, type Fixture, pool, REPO } from '../fixture.js';
import { counter } from '../library.js';
import { SEED_REQUESTS, seedMerge } from '../seed-baseline.js';
import { ms } from '../stats.js';
import type { TagSet } from './tags.js';

export type Who = 'library' | 'seed';

export interface Leg {
  who: Who;
  concurrency: number;
  ms: number;
  jobs: number;
  /** Registry requests sent (the library's counted by `onRequest`). */
  requests: number;
  /** Requests the proxy forwarded during the leg (remote only). */
  atProxy: number | undefined;
  /** Requests the library retried (attempt > 1), by method. */
  retries: Record<string, number>;
  /** Merges that needed more than one read-merge-write round. */
  reattempts: number;
  /** `verification.settleMs` of every library merge. */
  settleMs: number[];
  /** CPU ms of this process, the registry and the proxy; the machine's busy share. */
  cpu: { self: number; registry: number; proxy: number; machineBusy: number };
}

export interface ThroughputRun {
  endpoint: Endpoint;
  legs: Leg[];
}

/** One setting: `who` at `concurrency`, over the first tags going, the second coming back. */
export type LegPlan = readonly [
  who: Who,
  concurrency: number,
  tags: readonly [readonly string[], readonly string[]],
];

export async function measureThroughput(
  reg: TestRegistry,
  ep: Endpoint,
  fx: Fixture,
  tags: TagSet,
  plan: readonly LegPlan[],
): Promise<ThroughputRun> {
  const registryPid = findChildPid(dirname(reg.storageDir));
  const count = counter();
  const client = new HttpRegistryClient({ onRequest: count.onRequest });
  // Open the sockets at the highest concurrency (not measured; forced pushes).
  const widest = Math.max(...plan.map(([, c]) => c));
  const warm = await tags.freshSource();
  await mergeMany(
    tags.library.slice(0, 2 * widest).map((tag) => ({
      srcImage: `${ep.host}/${REPO}:${warm}`,
      destImage: `${ep.host}/${REPO}:${tag}`,
    })),
    { srcClient: client, destClient: client, concurrency: widest, force: true },
  );

  const legs: Leg[] = [];
  // ABBA: the plan, then the plan reversed.
  const legPlan = [
    ...plan.map(([who, c, t]) => [who, c, t[0]] as const),
    ...[...plan].reverse().map(([who, c, t]) => [who, c, t[1]] as const),
  ];
  for (const [who, concurrency, legTags] of legPlan) {
    const src = await tags.freshSource();
    // The seed's bytes are computed before the clock starts (the seed's own merge is free).
    const bytes: Uint8Array[] = [];
    if (who === 'seed') for (const t of legTags) bytes.push(await tags.bytesFor(src, t));
    const proxy0 = ep.proxyRequests ? await ep.proxyRequests() : 0;
    const proxyCpu0 = processCpuMs(ep.proxyPid);
    const meter = cpuMeter(registryPid);
    count.reset();
    const settleMs: number[] = [];
    let reattempts = 0;
    const t0 = performance.now();
    if (who === 'library') {
      const outcomes = await mergeMany(
        legTags.map((tag) => ({
          srcImage: `${ep.host}/${REPO}:${src}`,
          destImage: `${ep.host}/${REPO}:${tag}`,
        })),
        { srcClient: client, destClient: client, concurrency },
      );
      const bad = outcomes.filter((o) => o.status !== 'fulfilled' || o.result.outcome !== 'pushed');
      if (bad.length > 0) {
        const o = bad[0];
        throw new Error(
          `${bad.length} of ${legTags.length} merges failed or did not push: ${o?.status === 'rejected' ? String(o.error) : o?.status}`,
        );
      }
      for (const o of outcomes) {
        if (o.status !== 'fulfilled') continue;
        if (o.result.attempts > 1) reattempts += 1;
        if (o.result.verification) settleMs.push(o.result.verification.settleMs);
      }
    } else {
      const indexed = legTags.map((tag, i) => ({ tag, bytes: bytes[i] as Uint8Array }));
      await pool(indexed, concurrency, ({ tag, bytes: b }) =>
        seedMerge({
          url: ep.url,
          repo: REPO,
          srcTag: src,
          destTag: tag,
          bytes: b,
          mediaType: fx.mediaType,
        }),
      );
    }
    const dt = performance.now() - t0;
    const cpu = meter();
    const proxyCpu = processCpuMs(ep.proxyPid) - proxyCpu0;
    const atProxy = ep.proxyRequests ? (await ep.proxyRequests()) - proxy0 : undefined;
    legs.push({
      who,
      concurrency,
      ms: dt,
      jobs: legTags.length,
      requests: who === 'library' ? count.counts.registry : SEED_REQUESTS.length * legTags.length,
      atProxy,
      retries: { ...count.counts.retriedMethods },
      reattempts,
      settleMs,
      cpu: { self: cpu.self, registry: cpu.other, proxy: proxyCpu, machineBusy: cpu.machineBusy },
    });
    progress(`  ${ep.label}: ${who} c=${concurrency}: ${legTags.length} merges in ${ms(dt)} ms`);
  }
  client.close();
  return { endpoint: ep, legs };
}

const addUp = (counts: readonly Record<string, number>[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const c of counts) for (const [k, n] of Object.entries(c)) out[k] = (out[k] ?? 0) + n;
  return out;
};

/** Both legs of one setting, added up. */
export interface Setting extends Omit<Leg, 'cpu'> {
  cpu: Leg['cpu'];
  /** Each leg's ms. */
  legMs: number[];
  perSecond: number;
}

export function settingOf(run: ThroughputRun, who: Who, concurrency: number): Setting | undefined {
  const legs = run.legs.filter((l) => l.who === who && l.concurrency === concurrency);
  if (legs.length === 0) return undefined;
  const sum = (f: (l: Leg) => number) => legs.reduce((a, l) => a + f(l), 0);
  const total = sum((l) => l.ms);
  const jobs = sum((l) => l.jobs);
  const proxied = legs.every((l) => l.atProxy !== undefined);
  return {
    who,
    concurrency,
    ms: total,
    jobs,
    requests: sum((l) => l.requests),
    atProxy: proxied ? sum((l) => l.atProxy ?? 0) : undefined,
    retries: addUp(legs.map((l) => l.retries)),
    reattempts: sum((l) => l.reattempts),
    settleMs: legs.flatMap((l) => l.settleMs),
    cpu: {
      self: sum((l) => l.cpu.self),
      registry: sum((l) => l.cpu.registry),
      proxy: sum((l) => l.cpu.proxy),
      machineBusy: sum((l) => l.cpu.machineBusy * l.ms) / total,
    },
    legMs: legs.map((l) => l.ms),
    perSecond: jobs / (total / 1000),
  };
}
