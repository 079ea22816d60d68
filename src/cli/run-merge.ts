import { createClients, type OpenClients } from './clients.js';
import { type ResolvedCredentials, resolveCredentials, secretsOf } from './credentials.js';
import { ExitCode } from './exit-codes.js';
import { formatSummary, type RunContext, resultJson } from './format.js';
import { staleSignaturesLine } from './format-referrers.js';
import type { CliIo } from './io.js';
import {
  ManifestListMerger,
  type ManifestListMergerOptions,
  parseImageReference,
} from './library.js';
import {
  type CommonOptions,
  type MergeOptions,
  mergerProtocolOptions,
  mergerReferrerOptions,
} from './options.js';
import { Output } from './output.js';
import { OutputFile, OutputFileError } from './output-file.js';
import { UsageError } from './usage-error.js';

/** What a command needs besides its flags: streams, and where to register secrets. */
export interface CommandEnv {
  io: CliIo;
  /** Every secret read is added here, so the streams can scrub it. */
  secrets: string[];
}

/**
 * Merges an option and its pubtools-quay alias; both given with different values is a usage
 * error.
 */
export function aliased(
  value: string | undefined,
  alias: string | undefined,
  flag: string,
  aliasFlag: string,
): string | undefined {
  if (value !== undefined && alias !== undefined && value !== alias) {
    throw new UsageError(`${flag} and ${aliasFlag} name the same thing; give one of them`);
  }
  return value ?? alias;
}

/** Resolves the credentials of a command's flags and registers them as secrets. */
export async function credentialsFor(
  opts: CommonOptions,
  env: CommandEnv,
  out: Output,
): Promise<ResolvedCredentials> {
  const creds = await resolveCredentials(
    {
      srcUsername: aliased(
        opts.srcUsername,
        opts.sourceQuayUser,
        '--src-username',
        '--source-quay-user',
      ),
      destUsername: aliased(
        opts.destUsername,
        opts.destQuayUser,
        '--dest-username',
        '--dest-quay-user',
      ),
      srcPasswordStdin: opts.srcPasswordStdin,
      destPasswordStdin: opts.destPasswordStdin,
      srcPasswordArg: opts.sourceQuayPassword,
      destPasswordArg: opts.destQuayPassword,
    },
    env.io.env,
    env.io.stdin,
  );
  env.secrets.push(...secretsOf(creds));
  for (const warning of creds.warnings) out.warn(warning);
  return creds;
}

/** Opens the two clients a command uses, with credentials already resolved. */
export function clientsFor(
  creds: ResolvedCredentials,
  opts: CommonOptions,
  env: CommandEnv,
  out: Output,
): OpenClients {
  return createClients(creds, {
    insecure: opts.insecure ?? [],
    timeoutMs: opts.timeout,
    dockerConfig: opts.dockerConfig,
    containersAuth: opts.containersAuth && (opts.authfile ?? true),
    logger: out.clientLogger(),
    env: env.io.env,
  });
}

/** Resolves the credentials and opens the two clients a command uses. */
export async function openClients(
  opts: CommonOptions,
  env: CommandEnv,
  out: Output,
): Promise<OpenClients> {
  return clientsFor(await credentialsFor(opts, env, out), opts, env, out);
}

/**
 * Checks a destination reference: valid, and a tag rather than a digest.
 *
 * @throws {UsageError} for a digest; the library's `InvalidReferenceError` (also exit 2) when invalid.
 */
export function checkDestination(dest: string): void {
  const ref = parseImageReference(dest);
  if (ref.digest !== undefined) {
    throw new UsageError(
      `the destination '${dest}' is a digest; give a tag to push to, e.g. ${ref.host}/${ref.repository}:${ref.tag ?? 'latest'}`,
    );
  }
}

/** The merger of a command: its references and clients, the flags' options, its logger. */
export function mergerFor(
  src: string,
  dest: string,
  clients: OpenClients,
  opts: CommonOptions,
  out: Output,
  inputs: Partial<ManifestListMergerOptions> = {},
): ManifestListMerger {
  return new ManifestListMerger({
    srcImage: src,
    destImage: dest,
    srcClient: clients.src,
    destClient: clients.dest,
    match: opts.match,
    copyChildren: opts.copyChildren,
    ...mergerProtocolOptions(opts),
    ...inputs,
    logger: out.mergerLogger(),
  });
}

/**
 * The library options of the flags about what the source and destination may be (also of a
 * `bulk` job, its own fields over the flags).
 */
export function mergerInputOptions(
  command: 'merge' | 'select',
  opts: Pick<MergeOptions, 'platform' | 'collapseSourceDuplicates' | 'allowEmpty' | 'create'>,
): Pick<
  ManifestListMergerOptions,
  'platform' | 'collapseSourceDuplicates' | 'allowEmpty' | 'createDestination'
> {
  return {
    ...(opts.platform !== undefined ? { platform: opts.platform } : {}),
    ...(opts.collapseSourceDuplicates ? { collapseSourceDuplicates: true } : {}),
    ...(command === 'select' && opts.allowEmpty ? { allowEmpty: true } : {}),
    ...(command === 'merge' && opts.create ? { createDestination: true } : {}),
  };
}

/** Runs `merge` or `select` (the two modes) and prints the result. Returns the exit code. */
export async function runMerge(
  command: 'merge' | 'select',
  opts: MergeOptions,
  env: CommandEnv,
): Promise<number> {
  const toStdout = opts.output === '-';
  const out = new Output(env.io, { ...opts, summaryToStderr: toStdout, command });
  let close: (() => void) | undefined;
  let file: OutputFile | undefined;
  try {
    const src = aliased(opts.src, opts.sourceRef, '--src', '--source-ref');
    const dest = aliased(opts.dest, opts.destRef, '--dest', '--dest-ref');
    if (src === undefined) throw new UsageError(`'${command}' needs --src <ref>`);
    if (dest === undefined) throw new UsageError(`'${command}' needs --dest <ref>`);
    if (toStdout && opts.json)
      throw new UsageError('--output - and --json both write stdout; give one');
    parseImageReference(src);
    checkDestination(dest);
    const archs = opts.arch ?? [];
    if (command === 'select' && archs.length === 0) {
      throw new UsageError("'select' needs at least one --arch, e.g. --arch amd64 --arch arm64");
    }
    // Before any request: a FILE that cannot be written must not fail after the push.
    if (opts.output !== undefined && !toStdout) file = await OutputFile.open(opts.output);

    const clients = await openClients(opts, env, out);
    close = clients.close;
    const merger = mergerFor(src, dest, clients, opts, out, {
      ...mergerInputOptions(command, opts),
      ...mergerReferrerOptions(opts),
    });
    const call = {
      dryRun: opts.dryRun === true,
      force: opts.force === true,
      signal: env.io.signal,
    };
    const result =
      command === 'merge'
        ? await merger.mergeManifestLists(call)
        : await merger.mergeSelectedArchitectures(archs, { ...call, push: opts.push === true });

    const ctx: RunContext = { command, source: src, destination: dest };
    const text = Buffer.from(result.bytes).toString('utf8');
    if (file !== undefined) {
      const path = file.path;
      try {
        await file.write(result.bytes);
      } catch (error) {
        const { outcome } = result;
        const done =
          outcome === 'pushed'
            ? `pushed ${result.digest} to ${dest}`
            : `nothing was pushed (${outcome}; the list is ${result.digest})`;
        throw new OutputFileError(
          `${done}, but writing --output '${path}' failed: ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
    if (toStdout) out.raw(result.bytes);
    for (const warning of result.warnings) out.warn(warning);
    out.summary(formatSummary(result, ctx, out.style));
    const stale = staleSignaturesLine(result);
    if (stale) out.warn(stale);
    // The list itself only for a select that does not push (docs/cli.md), whatever the outcome.
    if (command === 'select' && opts.push !== true && opts.output === undefined) {
      out.summary(`${text.endsWith('\n') ? text : `${text}\n`}`);
    }
    out.quietLine(result.digest);
    out.json(
      resultJson(result, ctx, {
        unchanged: result.unchanged,
        attempts: result.attempts,
        childrenToCopy: result.childrenToCopy,
        ...(result.copy ? { copy: result.copy } : {}),
        manifestList: result.manifestList,
      }),
    );
    return ExitCode.OK;
  } catch (error) {
    await file?.discard();
    return out.error(error);
  } finally {
    close?.();
  }
}
