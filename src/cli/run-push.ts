import { createReadStream } from 'node:fs';
import { ExitCode } from './exit-codes.js';
import { formatSummary, type RunContext, resultJson } from './format.js';
import { staleSignaturesLine } from './format-referrers.js';
import { readAllBytes } from './io.js';
import {
  DEFAULT_MAX_MANIFEST_BYTES,
  ManifestTooLargeError,
  parseImageReference,
} from './library.js';
import { mergerReferrerOptions, type PushOptions } from './options.js';
import { Output } from './output.js';
import { expectDestinationOf } from './parse-args.js';
import {
  type CommandEnv,
  checkDestination,
  clientsFor,
  credentialsFor,
  mergerFor,
} from './run-merge.js';
import { UsageError } from './usage-error.js';

/**
 * Reads the list to push: FILE, or stdin for `-`, at most 4 MiB (a larger one is the
 * library's `ManifestTooLargeError`, and reading stops there).
 */
async function readList(file: string, env: CommandEnv): Promise<Uint8Array> {
  const tooLarge = () =>
    new ManifestTooLargeError({
      limit: DEFAULT_MAX_MANIFEST_BYTES,
      reference: file === '-' ? 'stdin' : file,
    });
  try {
    return await readAllBytes(
      file === '-' ? env.io.stdin : createReadStream(file),
      DEFAULT_MAX_MANIFEST_BYTES,
      tooLarge,
    );
  } catch (error) {
    if (error instanceof ManifestTooLargeError) throw error;
    throw new UsageError(`cannot read '${file}': ${(error as Error).message}`);
  }
}

/**
 * Runs `push FILE --dest REF`: the exact bytes of FILE pushed to the tag through the library's
 * `pushManifestList`. Returns the exit code.
 */
export async function runPush(file: string, opts: PushOptions, env: CommandEnv): Promise<number> {
  const out = new Output(env.io, { ...opts, command: 'push' });
  let close: (() => void) | undefined;
  try {
    const dest = opts.dest;
    if (dest === undefined) throw new UsageError("'push' needs --dest <ref>");
    checkDestination(dest);
    if (opts.src !== undefined) parseImageReference(opts.src);
    if (file === '-' && (opts.srcPasswordStdin || opts.destPasswordStdin)) {
      throw new UsageError(
        "'push -' reads the list from stdin, so passwords cannot come from stdin too; use MLM_SRC_PASSWORD/MLM_DEST_PASSWORD",
      );
    }
    const creds = await credentialsFor(opts, env, out);
    const bytes = await readList(file, env);
    const clients = clientsFor(creds, opts, env, out);
    close = clients.close;
    // Without --src, children come from nowhere: the destination repository is the source.
    const merger = mergerFor(
      opts.src ?? dest,
      dest,
      clients,
      opts,
      out,
      mergerReferrerOptions(opts),
    );
    const result = await merger.pushManifestList(bytes, {
      ...(opts.expectDest !== undefined
        ? { expectDestinationDigest: expectDestinationOf(opts.expectDest) }
        : {}),
      dryRun: opts.dryRun === true,
      force: opts.force === true,
      signal: env.io.signal,
    });
    const ctx: RunContext = {
      command: 'push',
      source: file === '-' ? 'stdin' : file,
      destination: dest,
    };
    for (const warning of result.warnings) out.warn(warning);
    const stale = staleSignaturesLine(result);
    if (stale) out.warn(stale);
    out.summary(formatSummary(result, ctx, out.style));
    out.quietLine(result.digest);
    out.json(
      resultJson(result, ctx, {
        unchanged: result.unchanged,
        childrenToCopy: result.childrenToCopy,
        ...(result.copy ? { copy: result.copy } : {}),
      }),
    );
    return ExitCode.OK;
  } catch (error) {
    return out.error(error);
  } finally {
    close?.();
  }
}
