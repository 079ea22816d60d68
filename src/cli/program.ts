import { Command, CommanderError } from 'commander';
import { formatError, oneLine } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { scrubbed } from './format.js';
import type { CliIo } from './io.js';
import {
  addBulkOptions,
  addCommonOptions,
  addReferenceOptions,
  addSelectOptions,
  type BulkOptions,
  type MergeOptions,
} from './options.js';
import { runBulk } from './run-bulk.js';
import { runMerge } from './run-merge.js';
import { UsageError } from './usage-error.js';
import { packageVersion } from './version.js';

const NAME = 'manifest-list-merger';

const MAIN_HELP = `
Commands merge a source manifest list (Docker manifest list v2 or OCI image index) into a
destination tag without losing the destination's other platforms.

Examples:
  # merge: every platform of the source, plus the destination's others
  $ ${NAME} merge --src quay.io/acme/app:1.2-s390x --dest quay.io/acme/app:1.2

  # select: only amd64 and arm64 from the source; print the list, push nothing
  $ ${NAME} select --src quay.io/acme/app:next --dest quay.io/acme/app:1.2 --arch amd64 --arch arm64

  # ...and push it, reading the password from stdin
  $ echo "$QUAY_TOKEN" | ${NAME} select --src ... --dest ... --arch amd64 --push \\
      --dest-username 'acme+ci' --dest-password-stdin

  # What would change, as JSON, writing nothing
  $ ${NAME} merge --src ... --dest ... --dry-run --json

  # Many merges, four at a time
  $ ${NAME} bulk jobs.txt --concurrency 4

Credentials: Docker's config (~/.docker/config.json or $DOCKER_CONFIG, with its credential
helpers) by default; or --src-username/--dest-username with the password on stdin
(--src-password-stdin/--dest-password-stdin) or in MLM_SRC_PASSWORD/MLM_DEST_PASSWORD.
User names may also come from MLM_SRC_USERNAME/MLM_DEST_USERNAME.

pubtools-quay flags are accepted: --source-ref (= --src), --dest-ref (= --dest),
--source-quay-user (= --src-username), --dest-quay-user (= --dest-username), and
--source-quay-password/--dest-quay-password (with a warning: they show in 'ps').
Without a command, those flags run 'merge'.

Exit codes: 0 done, 1 failed, 2 usage error, 3 conflict (the tag kept moving),
4 not found, 5 authentication failed, 130 interrupted.
Environment: NO_COLOR turns colors off; DOCKER_CONFIG moves Docker's config.
`;

const MERGE_HELP = `
merge: the new list holds every entry of the source, plus each destination entry whose
platform the source lacks. The destination must exist (create it with 'select --push').
Manifests the destination repository lacks are copied first (unless --no-copy-children),
with their signatures, attestations and SBOMs (unless --no-referrers); a list equal to the
destination's is not pushed (unless --force). A warning names the old list's signatures
when the tag's digest changes: sign the new one.

Examples:
  $ ${NAME} merge --src quay.io/acme/app:1.2-s390x --dest quay.io/acme/app:1.2
  $ ${NAME} merge --src localhost:5000/app:new --dest localhost:5000/app:latest --dry-run --json
  $ echo "$PW" | ${NAME} merge --src ... --dest ... --dest-username ci --dest-password-stdin
`;

const SELECT_HELP = `
select: the new list holds the source's entries of the given architectures, plus every
other entry of the destination (which may not exist yet). It is printed, and pushed only
with --push.

Examples:
  $ ${NAME} select --src quay.io/acme/app:next --dest quay.io/acme/app:1.2 --arch amd64,arm64
  $ ${NAME} select --src ... --dest ... --arch s390x --push
  $ ${NAME} select --src ... --dest ... --arch amd64 --output list.json   # sign it, push later
`;

const BULK_HELP = `
FILE ('-' = stdin) is either lines of 'SRC DEST' (merge jobs; '#' comments), or a JSON array:
  [ { "src": "quay.io/a/app:1-build", "dest": "quay.io/a/app:1" },
    { "src": "quay.io/a/app:next", "dest": "quay.io/a/app:2", "archs": ["arm64"], "push": true } ]
Every flag applies to every job. One failing job does not stop the others; the exit code is
1 when any job failed.

Examples:
  $ ${NAME} bulk jobs.txt --concurrency 8
  $ ${NAME} bulk jobs.json --dry-run --json
`;

/** What `merge` and `select` do, in one line each. */
const MODE_DESCRIPTIONS = {
  merge: 'merge every platform of --src into the tag --dest, keeping its others',
  select: 'take only --arch platforms from --src; print the list, push with --push',
} as const;

const COMMANDS = ['merge', 'select', 'bulk', 'help'];

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
    addCommonOptions(cmd);
    cmd.action(async (opts: MergeOptions) => setExit(await runMerge(mode, opts, env)));
  }

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
        new UsageError(`unknown command '${first}' (commands: merge, select, bulk)`),
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
