// What one bench run measured, as the report pieces take it.
import type { Machine } from '../machine.js';
import type { ContentionRun } from '../scenarios/contention.js';
import type { LatencyRun } from '../scenarios/latency.js';
import type { ThroughputRun } from '../scenarios/throughput.js';
import type { TokenScenario } from '../scenarios/tokens.js';

export interface EndpointResults {
  latency: LatencyRun;
  contention?: ContentionRun;
  throughput?: ThroughputRun;
}

export interface BenchData {
  machine: Machine;
  date: string;
  durationS: number;
  load: { start: number[]; end: number[] };
  remote: EndpointResults;
  loopback: EndpointResults;
  tokens?: TokenScenario[];
}

export interface Target {
  name: string;
  /** The measured figure, as the report shows it. */
  figure: string;
  ok: boolean;
}

/** A piece of the report: its Markdown lines and the targets it judged. */
export interface Section {
  lines: string[];
  targets: Target[];
}
