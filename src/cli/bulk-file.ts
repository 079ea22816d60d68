import { UsageError } from './usage-error.js';

/** One job of a `bulk` file. */
export interface BulkJob {
  /** Source reference. */
  src: string;
  /** Destination tag. */
  dest: string;
  /** Mode B when given: the architectures to take from the source. */
  archs?: string[] | undefined;
  /** Mode B only: push the result (a Mode B job without it writes nothing). */
  push?: boolean | undefined;
}

/**
 * Parses a `bulk` file: a JSON array of jobs (`{ "src", "dest" }` for Mode A, plus
 * `"archs": [...]` and `"push": true` for Mode B), or lines of `SRC DEST` (Mode A; `#` starts
 * a comment; blank lines are skipped).
 *
 * @throws {UsageError} naming the line or item that is wrong.
 */
export function parseBulkFile(text: string, name: string): BulkJob[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new UsageError(`${name} holds no jobs`);
  if (trimmed.startsWith('[')) return parseJson(trimmed, name);
  const jobs: BulkJob[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') return;
    const fields = line.split(/\s+/);
    if (fields.length !== 2) {
      throw new UsageError(`${name}:${i + 1}: expected 'SRC DEST', got ${fields.length} field(s)`);
    }
    jobs.push({ src: fields[0] as string, dest: fields[1] as string });
  });
  if (jobs.length === 0) throw new UsageError(`${name} holds no jobs`);
  return jobs;
}

function parseJson(text: string, name: string): BulkJob[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${name} is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(data)) throw new UsageError(`${name}: expected a JSON array of jobs`);
  if (data.length === 0) throw new UsageError(`${name} holds no jobs`);
  return data.map((item: unknown, i): BulkJob => {
    const where = `${name}[${i}]`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new UsageError(`${where}: expected an object like {"src": "...", "dest": "..."}`);
    }
    const o = item as Record<string, unknown>;
    const src = o['src'] ?? o['source'];
    const dest = o['dest'] ?? o['destination'];
    if (typeof src !== 'string' || src === '') throw new UsageError(`${where}: "src" is missing`);
    if (typeof dest !== 'string' || dest === '')
      throw new UsageError(`${where}: "dest" is missing`);
    const archs = o['archs'] ?? o['arch'];
    let list: string[] | undefined;
    if (archs !== undefined) {
      list = typeof archs === 'string' ? [archs] : (archs as string[]);
      if (!Array.isArray(list) || list.length === 0 || list.some((a) => typeof a !== 'string')) {
        throw new UsageError(`${where}: "archs" must be a non-empty array of strings`);
      }
    }
    const push = o['push'];
    if (push !== undefined && typeof push !== 'boolean') {
      throw new UsageError(`${where}: "push" must be true or false`);
    }
    if (push !== undefined && list === undefined) {
      throw new UsageError(`${where}: "push" goes with "archs" (Mode A jobs always push)`);
    }
    return { src, dest, ...(list ? { archs: list } : {}), ...(push !== undefined ? { push } : {}) };
  });
}
