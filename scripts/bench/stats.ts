// Small statistics and formatting helpers for the benchmark.

/** Summary of a sample of durations (ms). */
export interface Summary {
  n: number;
  median: number;
  p95: number;
  mean: number;
  min: number;
}

/** Nearest-rank percentile of an ascending-sorted sample. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  const mid = sorted.length / 2;
  const median =
    sorted.length % 2 === 1
      ? (sorted[Math.floor(mid)] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return {
    n: sorted.length,
    median,
    p95: percentile(sorted, 95),
    mean: sum / sorted.length,
    min: sorted[0] ?? Number.NaN,
  };
}

export const ms = (v: number): string => v.toFixed(2);
export const ratio = (v: number): string => `${v.toFixed(2)}×`;

/** A Markdown table (also readable as plain text in a terminal). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

export const met = (ok: boolean): string => (ok ? '**met**' : '**NOT met**');

/** Median of a sample (NaN when empty). */
export const median = (samples: readonly number[]): number => summarize(samples).median;

/** A figure, or '' when it is not known (NaN). */
export const known = (v: number, fmt: (v: number) => string = ms): string =>
  Number.isFinite(v) ? fmt(v) : '';

/** A ratio with three decimals, for judging a target (0.354× is not ≤ 0.35×). */
export const ratio3 = (v: number): string => `${v.toFixed(3)}×`;
