// Many merges of distinct tags: `mergeMany` against the seed baseline's sequential merges.
import { JOBS, TARGETS } from '../config.js';
import type { Machine } from '../machine.js';
import type { LatencyRun } from '../scenarios/latency.js';
import { type Setting, settingOf, type ThroughputRun, type Who } from '../scenarios/throughput.js';
import { known, median, met, ms, ratio, ratio3, summarize, table } from '../stats.js';
import type { Section, Target } from './model.js';

const HEADER = [
  '',
  'Concurrency',
  'Merges',
  'Total s (leg 1 + leg 2)',
  'Merges/s',
  'vs baseline sequential',
  'Requests / merge (sent)',
  'Requests / merge (at proxy)',
  'Settle ms (median)',
  'Merges re-attempted',
  'Retried requests',
  'Bench CPU ms / merge',
  'Registry CPU ms / merge',
  'Proxy CPU ms / merge',
  'Machine CPU busy',
];

/** `0`, or `25 (25 HEAD)`. */
function retried(byMethod: Record<string, number>): string {
  const all = Object.entries(byMethod).sort((a, b) => b[1] - a[1]);
  const total = all.reduce((a, [, n]) => a + n, 0);
  return total === 0 ? '0' : `${total} (${all.map(([m, n]) => `${n} ${m}`).join(', ')})`;
}

function row(r: Setting, seedPerS: number): string[] {
  const per = (v: number) => known(v / r.jobs);
  return [
    r.who === 'library' ? 'library (`mergeMany`, default protocol)' : 'seed baseline',
    String(r.concurrency),
    String(r.jobs),
    `${(r.ms / 1000).toFixed(2)} (${r.legMs.map((l) => (l / 1000).toFixed(2)).join(' + ')})`,
    r.perSecond.toFixed(1),
    ratio(r.perSecond / seedPerS),
    (r.requests / r.jobs).toFixed(2),
    r.atProxy === undefined ? '' : (r.atProxy / r.jobs).toFixed(2),
    known(median(r.settleMs)),
    r.who === 'library' ? String(r.reattempts) : '',
    r.who === 'library' ? retried(r.retries) : '',
    per(r.cpu.self),
    per(r.cpu.registry),
    per(r.cpu.proxy),
    `${(r.cpu.machineBusy * 100).toFixed(0)}%`,
  ];
}

function settings(run: ThroughputRun): Setting[] {
  const seen = new Set<string>();
  const out: Setting[] = [];
  for (const who of ['seed', 'library'] as Who[]) {
    for (const l of run.legs) {
      const key = `${who}/${l.concurrency}`;
      if (l.who !== who || seen.has(key)) continue;
      seen.add(key);
      const s = settingOf(run, who, l.concurrency);
      if (s) out.push(s);
    }
  }
  return out.sort((a, b) =>
    a.who === b.who ? a.concurrency - b.concurrency : a.who === 'seed' ? -1 : 1,
  );
}

const order = (run: ThroughputRun): string =>
  run.legs.map((l) => `${l.who} ${l.concurrency}`).join(', ');

/** CPU ms per merge of the setting, all processes counted (bench, registry, proxy). */
const cpuPerMerge = (r: Setting): number =>
  (r.cpu.self + r.cpu.registry + (Number.isFinite(r.cpu.proxy) ? r.cpu.proxy : 0)) / r.jobs;

export function remoteThroughputSection(
  run: ThroughputRun,
  latency: LatencyRun,
  machine: Machine,
  n: number,
  concurrency: number,
): Section {
  const all = settings(run);
  const seed = all.find((s) => s.who === 'seed');
  const lib = all.find((s) => s.who === 'library' && s.concurrency === concurrency);
  if (!seed || !lib) return { lines: [], targets: [] };
  const x = lib.perSecond / seed.perSecond;
  const cpu = cpuPerMerge(lib);
  const cpuCap = (machine.cores * 1000) / cpu;
  const alone = summarize(latency.variants.protocol.samples).median;
  const latencyCap = (concurrency * 1000) / alone;
  const targets: Target[] = [
    {
      name: `${JOBS} distinct tags, \`mergeMany\` at concurrency ${concurrency} ≥ ${TARGETS.throughput}× the baseline's sequential merges/s (${run.endpoint.label})`,
      figure: ratio3(x),
      ok: x >= TARGETS.throughput,
    },
  ];
  const lines = [
    '',
    `## ${n}. ${JOBS} distinct tags at ${run.endpoint.label}: \`mergeMany\` at concurrency ${concurrency} vs the baseline, sequential`,
    '',
    `The library merges one source into ${lib.jobs / 2} distinct destination tags with one \`mergeMany\` call (one shared client, default protocol), twice; the seed baseline merges into ${seed.jobs / 2} other tags one after another, twice. Legs run in the order ${order(run)} (the plan, then reversed); each leg merges a source list of its own, so every merge pushes bytes the registry has never stored. Every destination tag holds distinct bytes (distribution 2.8.2's filesystem driver answers \`500 invalid checksum digest format\` to reads racing with concurrent PUTs of the *same* bytes to other tags). CPU columns: this process, the registry and the proxy (user + system) per merge, and the whole machine's busy share during the legs. "Retried requests" are requests the library's client sent again (after a back-off), by method.`,
    '',
    table(
      HEADER,
      all.map((r) => row(r, seed.perSecond)),
    ),
    '',
    `Target: concurrency ${concurrency} ≥ ${TARGETS.throughput}× the baseline's sequential merges/s: ${ratio3(x)} (${lib.perSecond.toFixed(1)} against ${seed.perSecond.toFixed(1)} merges/s) → ${met(x >= TARGETS.throughput)}.`,
    '',
    `What caps it: ${concurrency} merges in flight at the uncontended median of ${ms(alone)} ms would give ${latencyCap.toFixed(0)} merges/s (${ratio(latencyCap / seed.perSecond)} the baseline); at concurrency ${concurrency} one merge costs ${ms(cpu)} CPU ms across the bench, the registry and the proxy, so ${machine.cores} cores cap this setup at about ${cpuCap.toFixed(0)} merges/s (${ratio(cpuCap / seed.perSecond)} the baseline), even with the machine to itself. The CPU every merge costs here (the registry's above all) would be a remote registry's, not the client's. Median settle window in the run: ${known(median(lib.settleMs))} ms (a loaded registry answers the PUT later than its fastest round trip, and \`'auto'\` stretches the window by the excess).`,
  ];
  return { lines, targets };
}

export function loopbackScalingSection(run: ThroughputRun, machine: Machine, n: number): Section {
  const all = settings(run);
  const seed = all.find((s) => s.who === 'seed');
  const lib1 = all.find((s) => s.who === 'library' && s.concurrency === 1);
  const top = all.filter((s) => s.who === 'library').at(-1);
  if (!seed || !lib1 || !top) return { lines: [], targets: [] };
  const cpu = cpuPerMerge(top);
  const cap = (machine.cores * 1000) / cpu;
  const lines = [
    '',
    `## ${n}. Throughput scaling on loopback`,
    '',
    `The same runs without the proxy: each library concurrency over the same ${lib1.jobs} tags (two legs of ${lib1.jobs / 2}), the seed baseline over ${seed.jobs} other tags (two legs, sequential), legs in the order ${order(run)}. On loopback the round trips cost nearly nothing, so this shows what the CPU allows: the registry, the bench and anything else running share ${machine.cores} cores.`,
    '',
    table(
      HEADER,
      all.map((r) => row(r, seed.perSecond)),
    ),
    '',
    `Concurrency ${top.concurrency} gives ${ratio(top.perSecond / lib1.perSecond)} the merges/s of concurrency 1 (an earlier target asked ≥ 3× here; not an issue 8 target). At concurrency ${top.concurrency} one merge costs ${ms(cpu)} CPU ms (bench + registry), so ${machine.cores} cores cap this setup at about ${cap.toFixed(0)} merges/s. At concurrency 1 the library's default merge waits a settle window of at least 10 ms per push (the protocol's floor), which the baseline does not: compare the rows at concurrency 1 with care.`,
  ];
  return { lines, targets: [] };
}
