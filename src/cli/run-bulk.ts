import { createReadStream } from 'node:fs';
import { type BulkJob, MAX_BULK_FILE_BYTES, parseBulkFile } from './bulk-file.js';
import { MIN_SECRET_LENGTH } from './credentials.js';
import { errorMessage } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { type RunContext, resultJson, shortDigest } from './format.js';
import { staleSignaturesLine } from './format-referrers.js';
import { readAll } from './io.js';
import {
  errorCode,
  type MergeJob,
  type MergeJobOutcome,
  mergeMany,
  parseImageReference,
  platformOption,
  shardJobs,
} from './library.js';
import { type BulkOptions, mergerProtocolOptions, mergerReferrerOptions } from './options.js';
import { Output } from './output.js';
import { ProgressBar } from './progress.js';
import {
  type CommandEnv,
  checkDestination,
  clientsFor,
  credentialsFor,
  mergerInputOptions,
} from './run-merge.js';
import { UsageError } from './usage-error.js';

function contextOf(job: BulkJob): RunContext {
  return { command: job.archs ? 'select' : 'merge', source: job.src, destination: job.dest };
}

/** Runs `bulk FILE`: every job through the library's `mergeMany`. Returns the exit code. */
export async function runBulk(file: string, opts: BulkOptions, env: CommandEnv): Promise<number> {
  const out = new Output(env.io, { ...opts, command: 'bulk' });
  let close: (() => void) | undefined;
  const bar = out.progressEnabled ? new ProgressBar(env.io.stderr) : undefined;
  try {
    if (file === '-' && (opts.srcPasswordStdin || opts.destPasswordStdin)) {
      throw new UsageError(
        "'bulk -' reads jobs from stdin, so passwords cannot come from stdin too; use MLM_SRC_PASSWORD/MLM_DEST_PASSWORD",
      );
    }
    // Every password (stdin, environment) is registered with the output's scrubber before
    // anything read from the jobs file can be printed, its parse errors included.
    const creds = await credentialsFor(opts, env, out);
    const name = file === '-' ? 'stdin' : file;
    let text: string;
    try {
      text = await readAll(
        file === '-' ? env.io.stdin : createReadStream(file),
        MAX_BULK_FILE_BYTES,
        () => new UsageError(`${name} is larger than ${MAX_BULK_FILE_BYTES / 1024 / 1024} MiB`),
      );
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`cannot read '${file}': ${(error as Error).message}`);
    }
    const all = parseBulkFile(text, name, (secret) => {
      if (secret.length >= MIN_SECRET_LENGTH) env.secrets.push(secret);
    });
    try {
      platformOption(opts.platform);
    } catch (error) {
      throw new UsageError(`--platform: ${errorMessage(error)}`);
    }
    all.forEach((job, i) => {
      try {
        parseImageReference(job.src);
        checkDestination(job.dest);
        platformOption(job.platform);
      } catch (error) {
        throw new UsageError(`job ${i + 1} (${job.src} -> ${job.dest}): ${errorMessage(error)}`);
      }
    });
    // --shard I/N: this shard's jobs only, still numbered (and indexed) as in the file.
    const numbered = all.map((job, index) => ({ destImage: job.dest, job, index }));
    const picked = opts.shard ? shardJobs(numbered, opts.shard) : numbered;
    const jobs = picked.map((p) => p.job);
    const fileIndex = picked.map((p) => p.index);

    const clients = clientsFor(creds, opts, env, out);
    close = clients.close;
    const dryRun = opts.dryRun === true;
    const libraryJobs: MergeJob[] = jobs.map((job) => libraryJob(job, opts));
    const verboseLogger = opts.verbose ? out.mergerLogger() : undefined;
    const outcomes = await mergeMany(libraryJobs, {
      srcClient: clients.src,
      destClient: clients.dest,
      match: opts.match,
      copyChildren: opts.copyChildren,
      ...mergerProtocolOptions(opts),
      ...mergerReferrerOptions(opts),
      dryRun,
      force: opts.force === true,
      concurrency: opts.concurrency ?? 4,
      stopOnError: opts.failFast === true,
      signal: env.io.signal,
      ...(verboseLogger ? { logger: verboseLogger } : {}),
      onProgress: (event) => {
        if (event.type === 'settled' && event.outcome) {
          bar?.done();
          out.summary(lineFor(event.outcome, jobs, out));
          const stale =
            event.outcome.status === 'fulfilled' && staleSignaturesLine(event.outcome.result);
          if (stale) out.warn(`job ${event.index + 1}: ${stale}`);
          // Which job failed, and why: on stderr always, even with --quiet or --json.
          const job = jobs[event.index] as BulkJob;
          const prefix = `job ${(fileIndex[event.index] as number) + 1} (${job.src} -> ${job.dest}): `;
          if (event.outcome.status === 'rejected') out.failure(event.outcome.error, prefix);
          if (event.outcome.status === 'fulfilled') {
            for (const warning of event.outcome.result.warnings) out.warn(prefix + warning);
          }
        }
        const job = jobs[event.index];
        bar?.update(event.done, event.total, job ? `${job.src} -> ${job.dest}` : '');
      },
    });
    bar?.done();

    const counts = {
      pushed: 0,
      unchanged: 0,
      'dry-run': 0,
      'not-pushed': 0,
      failed: 0,
      skipped: 0,
    };
    for (const o of outcomes) {
      if (o.status === 'fulfilled') {
        counts[o.result.outcome]++;
      } else if (o.status === 'rejected') counts.failed++;
      else counts.skipped++;
    }
    const parts = Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${n} ${k}`);
    const inShard = opts.shard
      ? ` in shard ${opts.shard.index}/${opts.shard.count} (of ${all.length} in the file)`
      : '';
    out.summary(
      `${jobs.length} job(s)${inShard}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}\n`,
    );
    out.quietLine(`${jobs.length - counts.failed - counts.skipped}/${jobs.length} ok`);
    out.json({
      command: 'bulk',
      total: jobs.length,
      succeeded: jobs.length - counts.failed - counts.skipped,
      failed: counts.failed,
      skipped: counts.skipped,
      ...(opts.shard ? { shard: { ...opts.shard, jobsInFile: all.length } } : {}),
      jobs: outcomes.map((o) => jobJson(o, jobs, fileIndex)),
    });
    return counts.failed > 0 || counts.skipped > 0 ? ExitCode.FAILED : ExitCode.OK;
  } catch (error) {
    bar?.done();
    return out.error(error);
  } finally {
    close?.();
  }
}

function lineFor(o: MergeJobOutcome, jobs: BulkJob[], out: Output): string {
  const job = jobs[o.index] as BulkJob;
  const name = `${job.src} -> ${job.dest}`;
  const s = out.style;
  if (o.status === 'fulfilled') {
    return `${s.green('ok')}       ${name}  ${o.result.outcome} ${shortDigest(o.result.digest)}\n`;
  }
  if (o.status === 'rejected') {
    const code = errorCode(o.error);
    return `${s.red('FAILED')}   ${name}  ${errorMessage(o.error)}${code ? ` [${code}]` : ''}\n`;
  }
  return `${s.yellow('skipped')}  ${name}\n`;
}

function jobJson(
  o: MergeJobOutcome,
  jobs: BulkJob[],
  fileIndex: readonly number[],
): Record<string, unknown> {
  const job = jobs[o.index] as BulkJob;
  const index = fileIndex[o.index] as number;
  const base = { index, src: job.src, dest: job.dest, status: o.status };
  if (o.status === 'fulfilled') {
    const { command, source, destination, ...rest } = resultJson(o.result, contextOf(job), {
      unchanged: o.result.unchanged,
      childrenToCopy: o.result.childrenToCopy,
    });
    return { ...base, mode: command, ...rest };
  }
  if (o.status === 'rejected') {
    return {
      ...base,
      error: { code: errorCode(o.error) ?? 'ERROR', message: errorMessage(o.error) },
    };
  }
  return base;
}

/** The library job of a file's job: its own fields over the flags that apply to every job. */
function libraryJob(job: BulkJob, opts: BulkOptions): MergeJob {
  const platform = job.platform ?? opts.platform;
  const inputs = mergerInputOptions(job.archs ? 'select' : 'merge', {
    ...(platform !== undefined ? { platform } : {}),
    collapseSourceDuplicates: job.collapseSourceDuplicates ?? opts.collapseSourceDuplicates,
    allowEmpty: job.allowEmpty ?? opts.allowEmpty,
    create: job.create ?? opts.create,
  });
  const images = { srcImage: job.src, destImage: job.dest, ...inputs };
  return job.archs
    ? { mode: 'select', ...images, eligibleArchs: job.archs, push: job.push === true }
    : images;
}
