// The bench's knobs (environment), targets and progress line. One home for every number the
// report quotes as a setting.
import os from 'node:os';

const num = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0`);
  return value;
};

/** The emulated remote registry's round trip, in ms. */
export const REMOTE_RTT_MS = num('BENCH_RTT_MS', 20);

/** Interleaved latency rounds: on loopback, and at the emulated round trip (slower, fewer). */
export const ROUNDS = {
  loopback: { warmup: num('BENCH_WARMUP', 30), measured: num('BENCH_ROUNDS', 200) },
  remote: { warmup: num('BENCH_REMOTE_WARMUP', 10), measured: num('BENCH_REMOTE_ROUNDS', 100) },
};

/** Rounds of the contention scenario (two writers into one tag at once), per endpoint. */
export const CONTENTION_ROUNDS = num('BENCH_CONTENTION_ROUNDS', 40);

/** Distinct tags per throughput run (`mergeMany`), and concurrency of the remote run. */
export const JOBS = num('BENCH_JOBS', 500);
export const REMOTE_CONCURRENCY = 16;

/** BENCH_ONLY=latency: only the latency sections (for --cpu-prof); implies BENCH_NO_WRITE. */
export const ONLY_LATENCY = process.env['BENCH_ONLY'] === 'latency';
export const WRITE = process.env['BENCH_NO_WRITE'] !== '1' && !ONLY_LATENCY;

/** Issue 8's targets at the emulated round trip: median ÷ the seed baseline's median. */
export const TARGETS = {
  /** Pushing merge, cross-process protocol on (default), uncontended: at most. */
  protocol: 1.25,
  /** `soleWriter: true`: at most. */
  soleWriter: 0.65,
  /** Unchanged merge (no PUT): at most. */
  unchanged: 0.35,
  /** `mergeMany` at concurrency 16 over distinct tags: at least this × the seed's sequential merges/s. */
  throughput: 8,
} as const;

/** Other work on the machine shows here: the figures are only as quiet as the machine. */
export const LOAD_AT_START = os.loadavg();

export const progress = (s: string): void => {
  process.stderr.write(`[bench] ${s}\n`);
};
