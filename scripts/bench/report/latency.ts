// One merge at a time: the variants against the seed baseline, and what their round trips
// alone would take.
import { TARGETS } from '../config.js';
import type { LatencyRun, VariantKey, VariantResult } from '../scenarios/latency.js';
import { known, median, met, ms, ratio, ratio3, type Summary, summarize, table } from '../stats.js';
import type { Section, Target } from './model.js';

const ORDER: VariantKey[] = ['seed', 'protocol', 'soleWriter', 'unchanged'];

/** Sequences of a variant, most frequent first. */
const sequencesOf = (v: VariantResult): [string, number][] =>
  Object.entries(v.sequences).sort((a, b) => b[1] - a[1]);

/** The most frequent sequences, the rest added up in one row. */
function shown(seqs: [string, number][], most = 6): [string, number][] {
  if (seqs.length <= most + 1) return seqs;
  const rest = seqs.slice(most);
  const n = rest.reduce((a, [, k]) => a + k, 0);
  return [...seqs.slice(0, most), [`(${rest.length} other sequences)`, n]];
}

/** The most frequent sequence, with its share when others were seen too. */
function commonSequence(v: VariantResult): string {
  const all = sequencesOf(v);
  const [seq, n] = all[0] ?? ['', 0];
  const total = all.reduce((a, [, k]) => a + k, 0);
  return all.length > 1 ? `${seq} (${((n / total) * 100).toFixed(0)}% of merges)` : seq;
}

const perMerge = (total: number | undefined, n: number): string =>
  total === undefined ? '' : (total / n).toFixed(2);

function variantTable(run: LatencyRun, s: Record<VariantKey, Summary>): string {
  const base = s.seed;
  const rows = ORDER.map((key) => {
    const v = run.variants[key];
    const x = s[key];
    return [
      v.name,
      commonSequence(v),
      perMerge(v.sent, x.n),
      perMerge(v.atProxy, x.n),
      ms(x.median),
      ms(x.p95),
      ms(x.mean),
      key === 'seed' ? '1.00× (baseline)' : ratio(x.median / base.median),
      key === 'seed' ? '' : ratio(x.p95 / base.p95),
      known(median(v.settleMs)),
      ms(v.cpuMs / x.n),
      String(v.connections),
    ];
  });
  return table(
    [
      'Variant',
      'Requests of one merge (most frequent)',
      'Requests / merge (sent)',
      'Requests / merge (at proxy)',
      'Median ms',
      'p95 ms',
      'Mean ms',
      'Median ÷ baseline',
      'p95 ÷ baseline',
      'Settle ms (median)',
      'Bench CPU ms / merge',
      'New TCP connections',
    ],
    rows,
  );
}

/** The time each variant's round trips take, from the baseline's own request times. */
function floors(run: LatencyRun) {
  const t = run.variants.seed.seedTimes;
  const get = median(t.flatMap((x) => [x.getSrc, x.getDest]));
  const put = median(t.map((x) => x.put));
  const settle = median(run.variants.protocol.settleMs);
  return {
    get,
    put,
    byKey: {
      seed: { trips: '3 (GET, GET, PUT)', ms: 2 * get + put },
      protocol: { trips: '3 + settle (GET ∥ GET, PUT, settle, GET)', ms: 2 * get + put + settle },
      soleWriter: { trips: '2 (GET ∥ GET, PUT)', ms: get + put },
      unchanged: { trips: '1 (GET ∥ GET)', ms: get },
    } satisfies Record<VariantKey, { trips: string; ms: number }>,
  };
}

export function latencySection(run: LatencyRun, n: number, withTargets: boolean): Section {
  const s = Object.fromEntries(
    ORDER.map((k) => [k, summarize(run.variants[k].samples)] as const),
  ) as Record<VariantKey, Summary>;
  const base = s.seed.median;
  const f = floors(run);
  const ep = run.endpoint;
  const lines = [
    '',
    `## ${n}. One merge at a time, ${ep.label}`,
    '',
    `${run.rounds} measured rounds after ${run.warmup} warm-up rounds; every round runs each variant once. Each pushing variant alternates its source between two tags, so every merge changes the list and PUTs (both results are already stored after the warm-up, so no PUT writes a new blob; the throughput runs push new bytes every time). "Requests / merge (sent)" counts what the client sent (the library's \`onRequest\` hook, the baseline's own fetches)${ep.proxyRequests ? ', "(at proxy)" what the proxy forwarded' : ''}. "Settle ms" is the median \`result.verification.settleMs\`. "Bench CPU ms / merge" is this process's user + system CPU time per merge (HTTP stack included; the registry's${ep.proxyRequests ? ' and the proxy’s' : ''} not). "New TCP connections" counts sockets opened during the measured rounds (0 = full connection reuse).`,
    '',
    variantTable(run, s),
    '',
    `Round trips alone: the baseline's median GET takes ${ms(f.get)} ms and its PUT ${ms(f.put)} ms here. From those, each variant's round trips (and the protocol's settle window) would take:`,
    '',
    table(
      ['Variant', 'Round trips', 'Floor ms', 'Floor ÷ baseline', 'Median ms', 'Above floor ms'],
      ORDER.map((key) => {
        const fl = f.byKey[key];
        return [
          run.variants[key].name,
          fl.trips,
          ms(fl.ms),
          ratio(fl.ms / base),
          ms(s[key].median),
          ms(s[key].median - fl.ms),
        ];
      }),
    ),
  ];
  const protocol = run.variants.protocol;
  const seqs = sequencesOf(protocol);
  if (seqs.length > 0) {
    const total = seqs.reduce((a, [, k]) => a + k, 0);
    const extra = protocol.sent / total - 4;
    lines.push(
      '',
      `Request sequences of the protocol variant (in the order sent; a HEAD before the PUT is a freshness re-read of the tag, a HEAD after it a poll of a PUT whose answer was late, both from \`pushTag\` in src/publish/tag-write.ts). The uncontended path described for it is GET ∥ GET, PUT, settle, GET (4 requests); it sent ${(protocol.sent / total).toFixed(2)} per merge, ${extra.toFixed(2)} more:`,
      '',
      table(
        ['Sequence', 'Merges', 'Share'],
        shown(seqs).map(([seq, k]) => [seq, String(k), `${((k / total) * 100).toFixed(0)}%`]),
      ),
    );
  }
  const targets: Target[] = [];
  if (withTargets) {
    const judge = (key: VariantKey, limit: number, what: string) => {
      const r = s[key].median / base;
      const floor = f.byKey[key].ms / base;
      targets.push({
        name: `${what} ≤ ${limit.toFixed(2)}× baseline (${ep.label})`,
        figure: ratio3(r),
        ok: r <= limit,
      });
      const out = `${what}: ${ratio3(r)} (${ms(s[key].median)} ÷ ${ms(base)} ms; target ≤ ${limit.toFixed(2)}×) → ${met(r <= limit)}. Its round trips alone give ${ratio3(floor)}; the merge takes ${ms(s[key].median - f.byKey[key].ms)} ms more than those.`;
      return floor > limit
        ? `${out} The round trips alone are above the target: it cannot be met at this round trip, however little time the library takes.`
        : out;
    };
    lines.push(
      '',
      'Targets (median ÷ baseline median):',
      '',
      `- ${judge('protocol', TARGETS.protocol, 'pushing merge, cross-process protocol on, uncontended')} It sent ${(protocol.sent / protocol.samples.length).toFixed(2)} requests per merge where its described path sends 4 (see the sequences above). The settle window it waited: median ${ms(median(protocol.settleMs))} ms.`,
      `- ${judge('soleWriter', TARGETS.soleWriter, '`soleWriter: true`')}`,
      `- ${judge('unchanged', TARGETS.unchanged, 'unchanged merge (no PUT)')}`,
    );
  }
  return { lines, targets };
}
