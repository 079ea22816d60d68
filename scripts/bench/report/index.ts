// The whole report, section by section; the targets table closes it.
import { REMOTE_CONCURRENCY } from '../config.js';
import { met, table } from '../stats.js';
import { contentionSection } from './contention.js';
import { header } from './header.js';
import { latencySection } from './latency.js';
import type { BenchData, Section, Target } from './model.js';
import { loopbackScalingSection, remoteThroughputSection } from './throughput.js';
import { tokenSection } from './tokens.js';

export function report(d: BenchData): { text: string; targets: Target[] } {
  const sections: Section[] = [];
  const add = (make: (n: number) => Section) => {
    const s = make(sections.filter((x) => x.lines.length > 0).length + 1);
    sections.push(s);
  };
  add((n) => latencySection(d.remote.latency, n, true));
  const contended = [d.remote, d.loopback].flatMap((e) =>
    e.contention ? [{ contention: e.contention, latency: e.latency }] : [],
  );
  add((n) => contentionSection(contended, n));
  const remoteTput = d.remote.throughput;
  if (remoteTput) {
    add((n) =>
      remoteThroughputSection(remoteTput, d.remote.latency, d.machine, n, REMOTE_CONCURRENCY),
    );
  }
  add((n) => latencySection(d.loopback.latency, n, false));
  const loopTput = d.loopback.throughput;
  if (loopTput) add((n) => loopbackScalingSection(loopTput, d.machine, n));
  const tokens = d.tokens;
  if (tokens) add((n) => tokenSection(tokens, n));

  const targets = sections.flatMap((s) => s.targets);
  const out = [
    ...header(d),
    ...sections.flatMap((s) => s.lines),
    '',
    '## Targets',
    '',
    table(
      ['Target', 'Measured', 'Result'],
      targets.map((t) => [t.name, t.figure, met(t.ok)]),
    ),
    '',
  ];
  return { text: out.join('\n'), targets };
}
