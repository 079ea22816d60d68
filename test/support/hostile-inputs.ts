// Hostile local inputs: a FIFO nobody writes to, a path to a device, a file over a size cap,
// and a stream that never ends, for tests of what the library and the CLI read.
import { execFileSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';

/** A FIFO at `dir/name` that nobody writes to: opening it for reading blocks by default. */
export function makeFifo(dir: string, name = 'config.json'): string {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return path;
}

/** A symlink at `dir/name` to `/dev/zero`: endless zeros to whoever reads it. */
export function linkToDevZero(dir: string, name = 'config.json'): string {
  const path = join(dir, name);
  symlinkSync('/dev/zero', path);
  return path;
}

/** A regular file of `bytes` bytes of JSON whitespace wrapped in `{}`: valid, but large. */
export function makeLargeJson(dir: string, bytes: number, name = 'config.json'): string {
  const path = join(dir, name);
  writeFileSync(path, `{${' '.repeat(Math.max(0, bytes - 2))}}`);
  return path;
}

/** A readable stream that yields `chunk` forever; `pulled()` says how many chunks were read. */
export function endlessStream(chunk: Buffer = Buffer.alloc(64 * 1024, 'a')): {
  stream: Readable;
  pulled: () => number;
} {
  let count = 0;
  const stream = new Readable({
    read() {
      count++;
      this.push(chunk);
    },
  });
  return { stream, pulled: () => count };
}
