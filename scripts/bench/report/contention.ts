// Two writers into one tag at once: what the protocol's settle window and repairs cost.
import type { ContentionRun } from '../scenarios/contention.js';
import type { LatencyRun } from '../scenarios/latency.js';
import { known, median, ms, ratio, summarize, table } from '../stats.js';
import type { Section } from './model.js';

const max = (xs: readonly number[]): number => (xs.length ? Math.max(...xs) : Number.NaN);

export function contentionSection(
  runs: readonly { contention: ContentionRun; latency: LatencyRun }[],
  n: number,
): Section {
  const first = runs[0]?.contention;
  if (!first) return { lines: [], targets: [] };
  const rows = runs.flatMap(({ contention: c, latency }) => {
    const seed = summarize(latency.variants.seed.samples).median;
    const alone = latency.variants.protocol;
    const s = summarize(c.samples);
    const settle = summarize(c.settleMs);
    const merges = c.samples.length;
    return [
      [
        c.endpoint.label,
        'uncontended (section above)',
        String(alone.samples.length),
        ms(summarize(alone.samples).median),
        ms(summarize(alone.samples).p95),
        ratio(summarize(alone.samples).median / seed),
        known(median(alone.settleMs)),
        known(summarize(alone.settleMs).p95),
        '1',
        '',
        '',
        (alone.sent / alone.samples.length).toFixed(2),
        '',
      ],
      [
        c.endpoint.label,
        `${c.writers} writers at once`,
        String(merges),
        ms(s.median),
        ms(s.p95),
        ratio(s.median / seed),
        known(settle.median),
        known(settle.p95),
        `${(c.attempts.reduce((a, b) => a + b, 0) / merges).toFixed(2)} / ${max(c.attempts)}`,
        `${c.restoring} (${((c.restoring / merges) * 100).toFixed(0)}%)`,
        String(c.sawOthers),
        `${(c.requests.reduce((a, b) => a + b, 0) / merges).toFixed(2)} (max ${max(c.requests)})`,
        `${c.complete} / ${c.rounds}`,
      ],
    ];
  });
  const lines = [
    '',
    `## ${n}. Contention: ${first.writers} writers merging into one tag at once`,
    '',
    `Each round resets the tag to the 4-platform list, then ${first.writers} merges start at the same moment, each adding a platform of its own (${first.writers === 2 ? 'linux/riscv64 and linux/arm/v7' : 'one each'}) from its own source, through its own \`HttpRegistryClient\` and its own spelling of the registry's host (\`127.0.0.1:PORT\` and \`localhost:PORT\`: different tag lock keys, so this process's in-process lock does not serialise them, as it would not serialise two processes). distribution 2.8.2 does not honour \`If-Match\`, so the later PUT overwrites the earlier one; the protocol's verification read has to see that and put the lost platform back. After each round the bench reads the tag and checks it holds all 6 platforms. The ratio divides by the uncontended baseline median of the same endpoint (a baseline under contention would just lose a platform). Settle figures are \`result.verification.settleMs\` (the window waited after the last PUT).`,
    '',
    table(
      [
        'Endpoint',
        'Writers',
        'Merges',
        'Median ms',
        'p95 ms',
        'Median ÷ baseline',
        'Settle ms (median)',
        'Settle ms (p95)',
        'Attempts (mean / max)',
        'Merges that restored a platform',
        'Merges that saw the other writer in flight',
        'Registry requests / merge',
        'Rounds ending with every platform',
      ],
      rows,
    ),
  ];
  const targets = runs.map(({ contention: c }) => ({
    name: `contention check (${c.endpoint.label}): every round ends with every writer's platform`,
    figure: `${c.complete} / ${c.rounds}`,
    ok: c.complete === c.rounds,
  }));
  return { lines, targets };
}
