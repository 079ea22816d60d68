import type { Readable } from 'node:stream';

/** A stream the CLI writes to: `process.stdout`-shaped. */
export interface CliWritable {
  write(chunk: string): unknown;
  /** True when the stream is a terminal (colors, progress). */
  isTTY?: boolean | undefined;
  /** Terminal width, for the progress bar. */
  columns?: number | undefined;
}

/**
 * `stream` with another `write`: it reads as `stream` does (`isTTY`, `columns`, live), and
 * writes through `write`, which may pass the chunk on to `stream.write` or drop it.
 */
export function withWrite(stream: CliWritable, write: (chunk: string) => unknown): CliWritable {
  return {
    get isTTY() {
      return stream.isTTY;
    },
    get columns() {
      return stream.columns;
    },
    write,
  };
}

/**
 * Everything the CLI touches outside itself, injectable for in-process tests.
 *
 * @example
 * ```ts
 * const code = await runCli(['merge', '--src', a, '--dest', b], processIo());
 * ```
 */
export interface CliIo {
  /** Results: the summary, `--json`, the list of `select`. */
  stdout: CliWritable;
  /** Errors, warnings, progress (terminal only), `--verbose` logs. */
  stderr: CliWritable;
  /** Read for `--src-password-stdin` / `--dest-password-stdin` and `bulk -`. */
  stdin: Readable;
  /** Environment: `MLM_SRC_PASSWORD`, `MLM_DEST_PASSWORD`, `NO_COLOR`, `DOCKER_CONFIG`. */
  env: NodeJS.ProcessEnv;
  /** Aborts the run (Ctrl-C). */
  signal?: AbortSignal | undefined;
}

/** The real process's streams and environment. */
export function processIo(signal?: AbortSignal): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    signal,
  };
}

/**
 * Reads a whole readable stream as UTF-8, at most `maxBytes` of it: past that, reading stops
 * (the stream is destroyed) and `tooLarge()` is thrown, so an endless input cannot fill memory.
 */
export async function readAll(
  stream: Readable,
  maxBytes: number,
  tooLarge: () => Error,
): Promise<string> {
  return (await readAllBytes(stream, maxBytes, tooLarge)).toString('utf8');
}

/** {@link readAll}, as the exact bytes read. */
export async function readAllBytes(
  stream: Readable,
  maxBytes: number,
  tooLarge: () => Error,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buffer.length;
    if (total > maxBytes) throw tooLarge(); // leaving the loop destroys the stream
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
