// One merge at a time, interleaved: the seed baseline and the library's variants, on one
// endpoint (loopback or the emulated remote registry). Every round runs each variant once,
// starting at a rotating position, so drift and other work on the machine hit all alike.
import { performance } from 'node:perf_hooks';
import { HttpRegistryClient } from '../../../src/index.js';
import type { TestRegistry } from '../../../test/support/registry.js';
import { progress } from '../config.js';
import { connectionsOpened } from '../connections.js';
import { selfCpuMs } from '../cpu.js';
import { type Endpoint, type Fixture, REPO, setTag } from '../fixture.js';
import { counter, libMerge } from '../library.js';
import { SEED_REQUESTS, type SeedTimes, seedMerge } from '../seed-baseline.js';

export type VariantKey = 'seed' | 'protocol' | 'soleWriter' | 'unchanged';

export interface VariantResult {
  key: VariantKey;
  name: string;
  /** The registry requests of one merge, in order (`GET GET PUT GET`): how many merges sent each. */
  sequences: Record<string, number>;
  /** Wall ms per measured merge. */
  samples: number[];
  /** This process's CPU ms (user + system) over the measured merges. */
  cpuMs: number;
  /** New TCP connections opened during the measured merges. */
  connections: number;
  /** Registry requests over the measured merges, as the sender counted them. */
  sent: number;
  /** The same, as the proxy counted them (remote only). */
  atProxy: number | undefined;
  /** `result.verification.settleMs` of each measured merge (protocol variant). */
  settleMs: number[];
  /** The seed baseline's per-request times. */
  seedTimes: SeedTimes[];
}

export interface LatencyRun {
  endpoint: Endpoint;
  warmup: number;
  rounds: number;
  variants: Record<VariantKey, VariantResult>;
}

interface Variant extends VariantResult {
  run(): Promise<void>;
}

export async function measureLatency(
  reg: TestRegistry,
  ep: Endpoint,
  fx: Fixture,
  rounds: { warmup: number; measured: number },
): Promise<LatencyRun> {
  const count = counter();
  const client = new HttpRegistryClient({ onRequest: count.onRequest });
  const tag = (name: string) => `${ep.key}-${name}`;
  for (const name of ['seed', 'protocol', 'sole']) await setTag(reg, REPO, tag(name), fx.destInit);
  await setTag(reg, REPO, tag('unchanged'), { bytes: fx.bytes.a, mediaType: fx.mediaType });

  // Each pushing variant alternates its source, so every merge changes the list and PUTs.
  const toggles = new Map<string, 'a' | 'b'>();
  const flip = (key: string): 'a' | 'b' => {
    const next = toggles.get(key) === 'a' ? 'b' : 'a';
    toggles.set(key, next);
    return next;
  };
  let measured = false;
  const note = (v: Variant, sequence: string): void => {
    v.sequences[sequence] = (v.sequences[sequence] ?? 0) + 1;
  };
  const mk = (key: VariantKey, name: string, run: (v: Variant) => Promise<void>): Variant => {
    const v: Variant = {
      key,
      name,
      sequences: {},
      samples: [],
      cpuMs: 0,
      connections: 0,
      sent: 0,
      atProxy: ep.proxyRequests ? 0 : undefined,
      settleMs: [],
      seedTimes: [],
      run: () => run(v),
    };
    return v;
  };
  const lib =
    (dest: string, opts: { soleWriter?: boolean; unchanged?: boolean }) => async (v: Variant) => {
      const src = opts.unchanged ? 'a' : flip(dest);
      count.reset();
      const result = await libMerge({
        client,
        host: ep.host,
        repo: REPO,
        src: `src-${src}`,
        dest,
        soleWriter: opts.soleWriter === true,
        expectPushed: opts.unchanged !== true,
      });
      if (!measured) return;
      v.sent += count.counts.registry;
      note(v, count.counts.methods.join(' '));
      if (result.verification) v.settleMs.push(result.verification.settleMs);
    };
  const variants: Variant[] = [
    mk('seed', 'seed baseline (fetch, sequential)', async (v) => {
      const s = flip(tag('seed'));
      const times = await seedMerge({
        url: ep.url,
        repo: REPO,
        srcTag: `src-${s}`,
        destTag: tag('seed'),
        bytes: fx.bytes[s],
        mediaType: fx.mediaType,
      });
      if (!measured) return;
      v.sent += SEED_REQUESTS.length;
      note(v, SEED_REQUESTS.join(' '));
      v.seedTimes.push(times);
    }),
    mk('protocol', 'library, cross-process protocol (default)', lib(tag('protocol'), {})),
    mk('soleWriter', 'library, `soleWriter: true`', lib(tag('sole'), { soleWriter: true })),
    mk('unchanged', 'library, unchanged (no PUT)', lib(tag('unchanged'), { unchanged: true })),
  ];

  progress(
    `latency, ${ep.label}: ${rounds.warmup} warm-up rounds, then ${rounds.measured} rounds of ${variants.length} variants`,
  );
  for (let round = 0; round < rounds.warmup + rounds.measured; round++) {
    measured = round >= rounds.warmup;
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(round + k) % variants.length] as Variant;
      const proxy0 = measured && ep.proxyRequests ? await ep.proxyRequests() : 0;
      const conn0 = connectionsOpened();
      const cpu0 = selfCpuMs();
      const t0 = performance.now();
      await v.run();
      const dt = performance.now() - t0;
      if (!measured) continue;
      v.cpuMs += selfCpuMs() - cpu0;
      v.connections += connectionsOpened() - conn0;
      v.samples.push(dt);
      if (ep.proxyRequests) v.atProxy = (v.atProxy ?? 0) + (await ep.proxyRequests()) - proxy0;
    }
    const done = round - rounds.warmup + 1;
    if (measured && done % 50 === 0) progress(`  ${done}/${rounds.measured}`);
  }
  client.close();
  const byKey = Object.fromEntries(
    variants.map(({ run: _, ...v }) => [v.key, v] as const),
  ) as Record<VariantKey, VariantResult>;
  return { endpoint: ep, warmup: rounds.warmup, rounds: rounds.measured, variants: byKey };
}
