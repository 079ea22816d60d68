import { InvalidArgumentError } from 'commander';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a duration for `--timeout`: `30` (seconds), `30s`, `500ms`, `2m`, `1h`. Returns ms.
 *
 * @throws {InvalidArgumentError} (a usage error) for anything else.
 */
export function parseDuration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) {
    throw new InvalidArgumentError(`'${value}' is not a duration: write 30, 30s, 500ms or 2m`);
  }
  const ms = Number(m[1]) * (UNITS[m[2] ?? 's'] as number);
  if (!(ms > 0)) throw new InvalidArgumentError(`'${value}' must be more than zero`);
  return Math.round(ms);
}

/**
 * Parses a positive integer (for `--concurrency`).
 *
 * @throws {InvalidArgumentError} (a usage error) for anything else.
 */
export function parsePositiveInt(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) {
    throw new InvalidArgumentError(`'${value}' is not a positive whole number`);
  }
  return Number(value);
}

/**
 * Parses `--shard I/N`: the I-th of N shards, counted from 1 (as vitest's and Jest's
 * `--shard`), N at most 100000.
 *
 * @throws {InvalidArgumentError} (a usage error) for anything else, `0/3` and `4/3` included.
 */
export function parseShard(value: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`'${value}' is not a shard: write I/N, e.g. 1/3`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > 100_000) {
    throw new InvalidArgumentError(`'${value}': N must be from 1 to 100000`);
  }
  if (index < 1 || index > count) {
    throw new InvalidArgumentError(
      `'${value}': shards are counted from 1, so I must be from 1 to ${count}`,
    );
  }
  return { index, count };
}

/**
 * Checks `--expect-dest`: a digest (`sha256:` and 64 hex digits, or `sha512:` and 128), or
 * `none` for "the tag must not exist" (kept as `'none'`: commander turns a `null` from a
 * parser into `''`; {@link expectDestinationOf} makes it `null`).
 *
 * @throws {InvalidArgumentError} (a usage error) for anything else.
 */
export function parseExpectDest(value: string): string {
  const v = value.trim();
  if (v === 'none') return v;
  if (/^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/.test(v)) return v;
  throw new InvalidArgumentError(
    `'${value.slice(0, 80)}' is not a digest: write sha256:<64 hex digits>, or none for a tag that must not exist`,
  );
}

/** The library's `expectDestinationDigest` for a checked `--expect-dest`: `none` is `null`. */
export function expectDestinationOf(flag: string): string | null {
  return flag === 'none' ? null : flag;
}

/** Collects a repeatable option (`--insecure A --insecure B`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Collects a repeatable, comma-separable option (`--arch amd64,arm64 --arch s390x`). */
export function collectList(value: string, previous: string[] | undefined): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new InvalidArgumentError('needs at least one value');
  return [...(previous ?? []), ...items];
}
