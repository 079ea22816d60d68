// Runs the CLI in-process (runCli with injected argv, stdio and environment) or as a real
// process (`node dist/cli.js`, built on demand), and collects what it printed; stages the two
// lists a CLI merge needs.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { CliIo, CliWritable } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { pushList } from './images.js';
import { uniqueRepo } from './registry.js';
import type { RegistryInfo } from './types.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI_JS = join(ROOT, 'dist', 'cli.js');

/** A Docker config dir holding `{}`, so no test reads this machine's credentials. */
export function emptyDockerConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlm-cli-docker-'));
  writeFileSync(join(dir, 'config.json'), '{}\n');
  return dir;
}

const DOCKER_CONFIG = emptyDockerConfig();
/** The same empty dir as the podman auth files' homes: no test reads this machine's auth.json. */
const CLEAN = { DOCKER_CONFIG, XDG_RUNTIME_DIR: DOCKER_CONFIG, XDG_CONFIG_HOME: DOCKER_CONFIG };

/** What one run printed, and its exit code. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of one run. */
export interface RunOptions {
  /** What stdin holds (empty by default). */
  stdin?: string;
  /** Extra environment (on top of a clean one: empty DOCKER_CONFIG, XDG_RUNTIME_DIR, XDG_CONFIG_HOME). */
  env?: Record<string, string>;
  /** Pretend stdout / stderr are terminals. */
  tty?: boolean;
  signal?: AbortSignal;
}

class Collector implements CliWritable {
  text = '';
  isTTY: boolean;
  columns = 100;
  constructor(tty: boolean) {
    this.isTTY = tty;
  }
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

/** Runs `runCli(argv)` in this process. */
export async function runInProcess(argv: string[], opts: RunOptions = {}): Promise<CliRun> {
  const stdout = new Collector(opts.tty === true);
  const stderr = new Collector(opts.tty === true);
  const io: CliIo = {
    stdout,
    stderr,
    stdin: Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]),
    env: { ...CLEAN, ...opts.env },
    signal: opts.signal,
  };
  const code = await runCli(argv, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(
      newest,
      entry.isDirectory()
        ? newestMtime(path)
        : entry.name.endsWith('.ts')
          ? statSync(path).mtimeMs
          : 0,
    );
  }
  return newest;
}

/**
 * Builds `dist/cli.js` (the CLI entry only, so a concurrent library build is not disturbed)
 * when it is missing or older than a file in `src/`.
 */
export async function ensureCliBuilt(): Promise<void> {
  if (existsSync(CLI_JS) && statSync(CLI_JS).mtimeMs >= newestMtime(join(ROOT, 'src'))) return;
  const { build } = await import('tsup');
  await build({
    config: false,
    entry: { cli: join(ROOT, 'src/cli/main.ts') },
    outDir: join(ROOT, 'dist'),
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    splitting: false,
    treeshake: true,
    clean: false,
    dts: false,
    silent: true,
  });
}

/** Runs `node dist/cli.js ...argv` as a real process. */
export function runSpawned(argv: string[], opts: RunOptions = {}): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], ...CLEAN, ...opts.env };
    const child = spawn(process.execPath, [CLI_JS, ...argv], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.stdin ?? '');
  });
}

/** The lines of a text, without the trailing empty one. */
export function lines(text: string): string[] {
  return text.split('\n').filter((l, i, all) => !(l === '' && i === all.length - 1));
}

/** A source (`src`) and a destination (`dest`) list in a fresh repository of `reg`. */
export async function stageRepo(
  reg: RegistryInfo,
  src: string[] = ['linux/amd64', 'linux/arm64'],
  dest: string[] = ['linux/amd64', 'linux/s390x'],
): Promise<{ repo: string; src: string; dest: string; destDigest: string }> {
  const repo = uniqueRepo('cli');
  const d = await pushList(reg, repo, 'dest', { platforms: dest });
  await pushList(reg, repo, 'src', { platforms: src });
  return {
    repo,
    src: `${reg.host}/${repo}:src`,
    dest: `${reg.host}/${repo}:dest`,
    destDigest: d.digest,
  };
}
