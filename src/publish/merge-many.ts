import { batchClients } from '../compat/pubtools-clients.js';
import { numberOption } from '../util/options.js';
import { linkSignals } from '../util/signals.js';
import { mapLimit } from '../util/worker-pool.js';
import { ManifestListMerger } from './merger.js';
import type { ManifestListMergerOptions, MergeCallOptions } from './options.js';
import type { MergeResult } from './result.js';

/** One merge of a {@link mergeMany} batch. */
export type MergeJob =
  | (JobInputOptions & {
      /** The merge mode (`mergeManifestLists`). @default 'merge' */
      mode?: 'merge';
      /** Source image reference. */
      srcImage: string;
      /** Destination tag. */
      destImage: string;
      /**
       * Create the destination tag when it does not exist; overrides the batch's
       * `createDestination` for this job.
       * @default the batch's `createDestination` (false)
       */
      createDestination?: boolean;
    })
  | (JobInputOptions & {
      /** The select mode (`mergeSelectedArchitectures`). */
      mode: 'select';
      /** Source image reference. */
      srcImage: string;
      /** Destination tag. */
      destImage: string;
      /** The eligible architectures. */
      eligibleArchs: readonly string[];
      /** Push the result. @default false */
      push?: boolean;
      /**
       * Accept eligible architectures none of which is in the source; overrides the batch's
       * `allowEmpty` for this job.
       * @default the batch's `allowEmpty` (false)
       */
      allowEmpty?: boolean;
    });

/**
 * What one job of a batch may say about its inputs, over the batch's options of the same
 * name (a job's single-image source has a platform of its own).
 *
 * @example
 * ```ts
 * const job: MergeJob = { srcImage: 'quay.io/a/app:1-s390x', destImage: 'quay.io/a/app:1',
 *   platform: 'linux/s390x', createDestination: true };
 * ```
 */
export type JobInputOptions = Partial<
  Pick<ManifestListMergerOptions, 'platform' | 'collapseSourceDuplicates'>
>;

/** The merger options a job sets for itself: its defined input fields. */
function jobInputs(job: MergeJob): Partial<ManifestListMergerOptions> {
  const own: Partial<ManifestListMergerOptions> = {};
  if (job.platform !== undefined) own.platform = job.platform;
  if (job.collapseSourceDuplicates !== undefined)
    own.collapseSourceDuplicates = job.collapseSourceDuplicates;
  if (job.mode === 'select') {
    if (job.allowEmpty !== undefined) own.allowEmpty = job.allowEmpty;
  } else if (job.createDestination !== undefined) {
    own.createDestination = job.createDestination;
  }
  return own;
}

/** The outcome of one job, in the order of the jobs given. */
export type MergeJobOutcome =
  /** The job ran and resolved. */
  | {
      /** The job resolved. */
      status: 'fulfilled';
      /** Index of the job in the `jobs` given. */
      index: number;
      /** The job. */
      job: MergeJob;
      /** What the merge resolved to. */
      result: MergeResult;
    }
  /** The job ran and failed. */
  | {
      /** The job failed. */
      status: 'rejected';
      /** Index of the job in the `jobs` given. */
      index: number;
      /** The job. */
      job: MergeJob;
      /** What it threw: usually a {@link ManifestListMergerError} subclass (check `code`). */
      error: unknown;
    }
  /** Not run because the batch stopped (`stopOnError`, or the signal aborted). */
  | {
      /** The job was not run. */
      status: 'skipped';
      /** Index of the job in the `jobs` given. */
      index: number;
      /** The job. */
      job: MergeJob;
    };

/** A progress event of {@link mergeMany}: a job started or settled. */
export interface MergeProgress {
  /** `start` when a job begins, `settled` when it has its outcome. */
  type: 'start' | 'settled';
  /** Jobs settled so far. */
  done: number;
  /** Jobs in the batch. */
  total: number;
  /** Index of the job this event is about. */
  index: number;
  /** The job this event is about. */
  job: MergeJob;
  /** Its outcome, on `settled`. */
  outcome?: MergeJobOutcome;
}

/** Options of {@link mergeMany}: the merger options every job shares, plus the batch's own. */
export interface MergeManyOptions
  extends Omit<ManifestListMergerOptions, 'srcImage' | 'destImage'>,
    Pick<MergeCallOptions, 'dryRun' | 'force'> {
  /**
   * Jobs running at once (a whole number from 1 to 1024; anything else is an
   * `InvalidOptionError`). Jobs writing one tag are serialised anyway.
   * @default 4
   */
  concurrency?: number;
  /** Aborts the jobs in flight and skips the rest. */
  signal?: AbortSignal;
  /** Called when a job starts and when it settles. Exceptions it throws are ignored. */
  onProgress?: (event: MergeProgress) => void;
  /**
   * Stop at the first failure: jobs in flight are aborted, the rest `skipped`. By default one
   * failure does not stop the others.
   * @default false
   */
  stopOnError?: boolean;
}

/**
 * Runs many merges (either mode) with bounded concurrency over shared clients (so an
 * `HttpRegistryClient` fetches one token per scope for the whole batch), and resolves one
 * outcome per job, in job order: a result, a typed error, or `skipped`. Never rejects for a
 * job's failure.
 *
 * @example
 * ```ts
 * const outcomes = await mergeMany(
 *   [
 *     { srcImage: 'quay.io/acme/a:build', destImage: 'quay.io/acme/a:1.0' },
 *     { mode: 'select', srcImage: 'quay.io/acme/b:build', destImage: 'quay.io/acme/b:1.0',
 *       eligibleArchs: ['s390x'], push: true },
 *   ],
 *   { srcClient: client, destClient: client, concurrency: 8,
 *     onProgress: (e) => console.error(`${e.done}/${e.total}`) },
 * );
 * const failed = outcomes.filter((o) => o.status === 'rejected');
 * ```
 */
export async function mergeMany(
  jobs: readonly MergeJob[],
  options: MergeManyOptions = {},
): Promise<MergeJobOutcome[]> {
  const {
    concurrency: concurrencyOption,
    signal,
    onProgress,
    stopOnError = false,
    dryRun,
    force,
    ...shared
  } = options;
  const concurrency = numberOption('concurrency', concurrencyOption, 4, {
    min: 1,
    max: 1024,
    integer: true,
  });
  const total = jobs.length;
  const outcomes: MergeJobOutcome[] = jobs.map((job, index) => ({ status: 'skipped', index, job }));
  const stop = new AbortController();
  const linked = linkSignals(signal, stop.signal);
  let done = 0;
  const notify = (event: MergeProgress): void => {
    try {
      onProgress?.(event);
    } catch {
      // A failing progress callback must not fail the batch.
    }
  };
  // pubtools-quay-style credentials: one client per side for the whole batch.
  const { close, ...clients } = batchClients(shared);

  const runJob = async (job: MergeJob): Promise<MergeResult> => {
    const merger = new ManifestListMerger({
      ...shared,
      ...clients,
      ...jobInputs(job),
      srcImage: job.srcImage,
      destImage: job.destImage,
    });
    const call = { signal: linked, dryRun, force };
    return job.mode === 'select'
      ? merger.mergeSelectedArchitectures(job.eligibleArchs, { ...call, push: job.push })
      : merger.mergeManifestLists(call);
  };

  try {
    // A job never rejects the pool: its failure is its outcome. Once the batch stops, the
    // jobs not yet started stay `skipped`.
    await mapLimit(jobs, concurrency, async (job, index) => {
      if (linked.aborted) return;
      notify({ type: 'start', done, total, index, job });
      let outcome: MergeJobOutcome;
      try {
        outcome = { status: 'fulfilled', index, job, result: await runJob(job) };
      } catch (error) {
        outcome = { status: 'rejected', index, job, error };
        if (stopOnError) stop.abort(error);
      }
      outcomes[index] = outcome;
      done++;
      notify({ type: 'settled', done, total, index, job, outcome });
    });
  } finally {
    close();
  }
  return outcomes;
}
