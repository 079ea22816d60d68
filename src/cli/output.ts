import { errorJson, formatError } from './errors.js';
import { exitCodeFor } from './exit-codes.js';
import { jsonLine, type Style, styleFor } from './format.js';
import type { CliIo, CliWritable } from './io.js';
import type { Logger } from './library.js';

/** How a command writes: where the summary goes, JSON or not, quiet or verbose. */
export interface OutputFlags {
  json?: boolean | undefined;
  quiet?: boolean | undefined;
  verbose?: boolean | undefined;
  /** The summary goes to stderr because stdout carries the list (`--output -`). */
  summaryToStderr?: boolean | undefined;
  /** The command, for the usage hint. */
  command?: string | undefined;
}

/** Writes a command's results, warnings and errors to the right stream. */
export class Output {
  /** Styling for stdout (the summary). */
  readonly style: Style;
  /** Styling for stderr. */
  readonly errStyle: Style;

  constructor(
    private readonly io: CliIo,
    private readonly flags: OutputFlags,
  ) {
    this.style = styleFor(this.summaryStream, io.env);
    this.errStyle = styleFor(io.stderr, io.env);
  }

  /** Where the human summary goes. */
  get summaryStream(): CliWritable {
    return this.flags.summaryToStderr ? this.io.stderr : this.io.stdout;
  }

  /** True when progress may be drawn: stderr is a terminal and neither quiet nor JSON. */
  get progressEnabled(): boolean {
    return this.io.stderr.isTTY === true && !this.flags.quiet && !this.flags.json;
  }

  /** The human summary (skipped under `--json` and `--quiet`). */
  summary(text: string): void {
    if (this.flags.json || this.flags.quiet) return;
    this.summaryStream.write(text);
  }

  /**
   * What `--quiet` still prints: one line, e.g. the digest (not under `--json`). On stderr
   * when stdout carries the list's bytes (`--output -`).
   */
  quietLine(text: string): void {
    if (this.flags.quiet && !this.flags.json) this.summaryStream.write(`${text}\n`);
  }

  /** The `--json` document on stdout. */
  json(value: unknown): void {
    if (this.flags.json) this.io.stdout.write(jsonLine(value));
  }

  /** Raw bytes on stdout (`--output -`): exactly these, nothing added. */
  raw(bytes: Uint8Array): void {
    this.io.stdout.write(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
    );
  }

  /** A warning on stderr (always, even with `--quiet`: they are about security). */
  warn(message: string): void {
    this.io.stderr.write(`manifest-list-merger: ${this.errStyle.yellow('warning')}: ${message}\n`);
  }

  /**
   * One failed part of a run (a `bulk` job): its error line on stderr, always (even with
   * `--quiet` or `--json`), `prefix` naming the part.
   */
  failure(error: unknown, prefix: string): void {
    this.io.stderr.write(formatError(error, false, undefined, prefix));
  }

  /** Reports `error` (one line; stack with `--verbose`; JSON too under `--json`); its exit code. */
  error(error: unknown): number {
    this.io.stderr.write(formatError(error, this.flags.verbose === true, this.flags.command));
    this.json(errorJson(error));
    return exitCodeFor(error);
  }

  /**
   * The library's logger: everything with `--verbose`; otherwise the merge's progress lines
   * while stderr is a terminal; otherwise none.
   */
  mergerLogger(): Logger | undefined {
    const line = (level: string) => (message: string) =>
      this.io.stderr.write(this.errStyle.dim(`${level}: ${message}`) + '\n');
    if (this.flags.verbose) {
      return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
    }
    if (this.progressEnabled) return { info: line('info'), warn: line('warn') };
    return undefined;
  }

  /** The registry client's request log: only with `--verbose`. */
  clientLogger(): Logger | undefined {
    if (!this.flags.verbose) return undefined;
    const line = (level: string) => (message: string) =>
      this.io.stderr.write(this.errStyle.dim(`${level}: ${message}`) + '\n');
    return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
  }
}
