import { Command, CommanderError } from 'commander';
import { formatError, oneLine } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { scrubbed } from './format.js';
import {
  BULK_HELP,
  MAIN_HELP,
  MERGE_HELP,
  MODE_DESCRIPTIONS,
  NAME,
  PUSH_HELP,
  SELECT_HELP,
} from './help.js';
import type { CliIo } from './io.js';
import {
  addBulkOptions,
  addCommonOptions,
  addInputOptions,
  addMergeOptions,
  addPushOptions,
  addReferenceOptions,
  addSelectOptions,
  type BulkOptions,
  type MergeOptions,
  type PushOptions,
} from './options.js';
import { runBulk } from './run-bulk.js';
import { runMerge } from './run-merge.js';
import { runPush } from './run-push.js';
import { UsageError } from './usage-error.js';
import { packageVersion } from './version.js';

const COMMANDS = ['merge', 'select', 'push', 'bulk', 'help'];

/**
 * An unknown option as it may be printed: a value given with it (`--src-password=SECRET`,
 * `-pSECRET`) could be a password typed into the wrong flag, so it becomes `***`.
 */
export function maskOption(flag: string): string {
  if (flag.startsWith('--')) {
    const i = flag.indexOf('=');
    return i < 0 ? flag : `${flag.slice(0, i)}=***`;
  }
  if (flag.startsWith('-') && flag.length > 2) return `${flag.slice(0, 2)}***`;
  return flag;
}

/**
 * Turns commander's `error: ...` text into our one usage line: an unknown option's value
 * masked, and commander's `(Did you mean --src?)` kept on the same line.
 */
export function usageLine(text: string, command: string | undefined): string {
  let message = text.replace(/^error:\s*/i, '').trim();
  const unknown = /^unknown option '([\s\S]*)'(\s*\(Did you mean [^\n]*\?\))?$/.exec(message);
  if (unknown) {
    const suggestion = unknown[2]?.trim();
    message = `unknown option '${maskOption(unknown[1] ?? '')}'${suggestion ? ` ${suggestion}` : ''}`;
  }
  return formatError(new UsageError(oneLine(message)), false, command);
}

/** Every flag (`--src`, `-s`, `--no-docker-config` …) of the program and its commands. */
function knownFlags(program: Command): Set<string> {
  const flags = new Set(['--help', '-h', '--version', '-V']);
  for (const cmd of [program, ...program.commands]) {
    for (const option of cmd.options) {
      if (option.long) flags.add(option.long);
      if (option.short) flags.add(option.short);
    }
  }
  return flags;
}

/**
 * The values given with unknown options (`--src-password=SECRET`, `-pSECRET`): treated as
 * secrets, so that no output can echo them.
 */
function unknownOptionValues(argv: readonly string[], known: Set<string>): string[] {
  const values: string[] = [];
  for (const arg of argv) {
    if (arg === '--') break;
    const long = /^(--[^=]+)=([\s\S]+)$/.exec(arg);
    if (long) {
      if (!known.has(long[1] as string)) values.push(long[2] as string);
    } else if (/^-[^-]/.test(arg) && arg.length > 2 && !known.has(arg.slice(0, 2))) {
      values.push(arg.slice(2));
    }
  }
  return values.filter((v) => v.length >= 4);
}

/**
 * Builds the `manifest-list-merger` program. `setExit` receives each action's exit code;
 * `command` names the command being run, for the usage hint.
 */
export function buildProgram(
  io: CliIo,
  secrets: string[],
  setExit: (code: number) => void,
  command?: string,
): Command {
  const program = new Command(NAME);
  program
    .description('Merge container image manifest lists and push them without losing platforms.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(usageLine(s, command)),
    })
    .showSuggestionAfterError(true)
    .addHelpText('after', MAIN_HELP);

  const env = { io, secrets };

  // The two modes, one command each (`merge` also runs without a command).
  for (const mode of ['merge', 'select'] as const) {
    const cmd = program
      .command(mode, { isDefault: mode === 'merge' })
      .description(MODE_DESCRIPTIONS[mode])
      .addHelpText('after', mode === 'merge' ? MERGE_HELP : SELECT_HELP);
    addReferenceOptions(cmd);
    if (mode === 'select') addSelectOptions(cmd);
    else addMergeOptions(cmd);
    addInputOptions(cmd);
    addCommonOptions(cmd);
    cmd.action(async (opts: MergeOptions) => setExit(await runMerge(mode, opts, env)));
  }

  const push = program
    .command('push')
    .description('push the exact bytes of a list in FILE (e.g. signed) to the tag --dest')
    .argument('<file>', "the list's bytes, or '-' for stdin")
    .addHelpText('after', PUSH_HELP);
  addPushOptions(push);
  addCommonOptions(push);
  push.action(async (file: string, opts: PushOptions) => setExit(await runPush(file, opts, env)));

  const bulk = program
    .command('bulk')
    .description('run many merges from FILE (JSON array or "SRC DEST" lines), N at a time')
    .argument('<file>', "jobs file, or '-' for stdin")
    .addHelpText('after', BULK_HELP);
  addBulkOptions(bulk);
  addCommonOptions(bulk);
  bulk.action(async (file: string, opts: BulkOptions) => setExit(await runBulk(file, opts, env)));

  return program;
}

/**
 * Runs the CLI with `argv` (the arguments after the program name) over `io`, and resolves
 * to the exit code; never calls `process.exit` (the entry point does).
 *
 * @example
 * ```ts
 * const code = await runCli(['merge', '--src', 'localhost:5000/a:new', '--dest', 'localhost:5000/a:1'], processIo());
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const secrets: string[] = [];
  const safeIo: CliIo = {
    ...io,
    stdout: scrubbed(io.stdout, () => secrets),
    stderr: scrubbed(io.stderr, () => secrets),
  };
  // A password given as a plain argument (pubtools-quay's flags) is a secret from the start.
  argv.forEach((arg, i) => {
    const next = argv[i + 1];
    if (/^--(source|dest)-quay-password$/.test(arg) && next && next.length >= 4) secrets.push(next);
    const m = /^--(?:source|dest)-quay-password=(.+)$/.exec(arg);
    if (m?.[1] && m[1].length >= 4) secrets.push(m[1]);
  });
  let exitCode: number = ExitCode.OK;
  const first = argv[0];
  const command =
    first !== undefined && COMMANDS.includes(first)
      ? first
      : first?.startsWith('-')
        ? 'merge'
        : undefined;
  const program = buildProgram(
    safeIo,
    secrets,
    (code) => {
      exitCode = code;
    },
    command,
  );
  secrets.push(...unknownOptionValues(argv, knownFlags(program)));
  if (first === undefined) {
    safeIo.stderr.write(program.helpInformation());
    return ExitCode.USAGE;
  }
  if (!first.startsWith('-') && !COMMANDS.includes(first)) {
    safeIo.stderr.write(
      formatError(
        new UsageError(`unknown command '${first}' (commands: merge, select, push, bulk)`),
        false,
      ),
    );
    return ExitCode.USAGE;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      ) {
        return ExitCode.OK;
      }
      return ExitCode.USAGE;
    }
    safeIo.stderr.write(formatError(error, argv.includes('--verbose') || argv.includes('-v')));
    return ExitCode.FAILED;
  }
  return exitCode;
}
