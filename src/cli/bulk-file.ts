import { UsageError } from './usage-error.js';

/** One job of a `bulk` file. */
export interface BulkJob {
  /** Source reference. */
  src: string;
  /** Destination tag. */
  dest: string;
  /** The select mode when given: the architectures to take from the source. */
  archs?: string[] | undefined;
  /** The select mode only: push the result (a select job without it writes nothing). */
  push?: boolean | undefined;
  /** The merge mode only: create a missing destination (over `--create`). */
  create?: boolean | undefined;
  /** The select mode only: accept `archs` none of which is in the source (over `--allow-empty`). */
  allowEmpty?: boolean | undefined;
  /** The platform of a single-image source whose config names none (over `--platform`). */
  platform?: string | undefined;
  /** Take the first entry of a platform the source names twice (over `--collapse-source-duplicates`). */
  collapseSourceDuplicates?: boolean | undefined;
}

/** The largest `bulk` file read: 16 MiB (a job is a line of about 100 bytes). */
export const MAX_BULK_FILE_BYTES = 16 * 1024 * 1024;

/** Keys of a JSON job whose string values are taken for secrets: a job cannot carry them. */
const SECRET_KEY = /pass|secret|token|auth|credential/i;

/**
 * Parses a `bulk` file: a JSON array of jobs (`{ "src", "dest" }` for the merge mode,
 * plus `"archs": [...]` and `"push": true` for the select mode; optionally `"create"` (merge),
 * `"allowEmpty"` (select), `"platform"` and `"collapseSourceDuplicates"`), or lines of
 * `SRC DEST` (merge; `#` starts a comment; blank lines are skipped).
 *
 * A JSON job that holds a credential-like field (`password`, `token`, `auth`…, at any depth)
 * is refused, and every such value is handed to `onSecret` first, before any error is
 * thrown, so the caller can keep it out of all output. A JSON syntax error is reported by its
 * position, never by quoting the text around it.
 *
 * @throws {UsageError} naming the line or item that is wrong.
 */
export function parseBulkFile(
  text: string,
  name: string,
  onSecret: (secret: string) => void = () => {},
): BulkJob[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new UsageError(`${name} holds no jobs`);
  if (trimmed.startsWith('[')) return parseJson(trimmed, name, onSecret);
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

function parseJson(text: string, name: string, onSecret: (secret: string) => void): BulkJob[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    // JSON.parse quotes the text around the error, which may be a password: say where only.
    throw new UsageError(`${name} is not valid JSON${positionOf(text, error)}`);
  }
  if (!Array.isArray(data)) throw new UsageError(`${name}: expected a JSON array of jobs`);
  if (data.length === 0) throw new UsageError(`${name} holds no jobs`);
  const secretKeys = data.map((item) => secretsIn(item, onSecret));
  return data.map((item: unknown, i): BulkJob => {
    const where = `${name}[${i}]`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new UsageError(`${where}: expected an object like {"src": "...", "dest": "..."}`);
    }
    const secretKey = secretKeys[i];
    if (secretKey !== undefined) {
      throw new UsageError(
        `${where}: ${JSON.stringify(secretKey)}: a job cannot carry credentials; give them for the whole run (--src-username/--dest-username with --src-password-stdin/--dest-password-stdin or MLM_SRC_PASSWORD/MLM_DEST_PASSWORD, or docker login)`,
      );
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
      throw new UsageError(`${where}: "push" goes with "archs" (merge jobs always push)`);
    }
    const flag = (
      key: 'create' | 'allowEmpty' | 'collapseSourceDuplicates',
    ): Partial<Record<typeof key, boolean>> => {
      const value = o[key];
      if (value === undefined) return {};
      if (typeof value !== 'boolean')
        throw new UsageError(`${where}: "${key}" must be true or false`);
      return { [key]: value };
    };
    if (o['create'] !== undefined && list !== undefined) {
      throw new UsageError(
        `${where}: "create" is for merge jobs (a select job's destination may be missing)`,
      );
    }
    if (o['allowEmpty'] !== undefined && list === undefined) {
      throw new UsageError(`${where}: "allowEmpty" goes with "archs"`);
    }
    const platform = o['platform'];
    if (platform !== undefined && (typeof platform !== 'string' || platform === '')) {
      throw new UsageError(`${where}: "platform" must be a string like "linux/arm64"`);
    }
    return {
      src,
      dest,
      ...(list ? { archs: list } : {}),
      ...(push !== undefined ? { push } : {}),
      ...flag('create'),
      ...flag('allowEmpty'),
      ...flag('collapseSourceDuplicates'),
      ...(platform !== undefined ? { platform } : {}),
    };
  });
}

/** ` at line L, column C` of a JSON.parse error, when its message gives a position. */
function positionOf(text: string, error: unknown): string {
  const m = /position (\d+)/.exec(error instanceof Error ? error.message : '');
  if (!m) return '';
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return ` (line ${line}, column ${column})`;
}

/**
 * Hands every string under a credential-like key of `value` (at any depth) to `onSecret`;
 * returns the first such key, if any. Iterative: a deeply nested job cannot overflow the stack.
 */
function secretsIn(value: unknown, onSecret: (secret: string) => void): string | undefined {
  let first: string | undefined;
  const stack: Array<{ value: unknown; secret: boolean }> = [{ value, secret: false }];
  while (stack.length > 0) {
    const { value: v, secret } = stack.pop() as { value: unknown; secret: boolean };
    if (typeof v === 'string') {
      if (secret && v !== '') onSecret(v);
    } else if (Array.isArray(v)) {
      for (const item of v) stack.push({ value: item, secret });
    } else if (v !== null && typeof v === 'object') {
      for (const [key, item] of Object.entries(v)) {
        const isSecret = secret || SECRET_KEY.test(key);
        if (isSecret && first === undefined) first = key;
        stack.push({ value: item, secret: isSecret });
      }
    }
  }
  return first;
}
