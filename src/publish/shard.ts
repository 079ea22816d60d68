// Splitting a batch of jobs across processes (CI matrix jobs, Kubernetes indexed jobs) so that
// no two processes ever write one tag.
import { createHash } from 'node:crypto';
import { rehost } from '../compat/pubtools-clients.js';
import { tagKey } from '../manifest/reference.js';
import { numberOption } from '../util/options.js';

/** The most shards a batch is split into. */
export const MAX_SHARDS = 100_000;

/**
 * One shard of a batch split across processes: the `index`-th of `count`, counted from 1 as
 * `--shard 1/3` of vitest, Jest and Playwright (a Kubernetes indexed job passes
 * `JOB_COMPLETION_INDEX + 1`).
 *
 * @example
 * ```ts
 * const shard: Shard = { index: 2, count: 3 }; // the second of three
 * ```
 */
export interface Shard {
  /** Which shard: a whole number from 1 to `count`. */
  index: number;
  /** How many shards the batch is split into: a whole number from 1 to 100000. */
  count: number;
  /**
   * The registry host the destinations are written to, when the batch re-hosts them (the
   * `host` option of {@link mergeMany}): keys are taken of the re-hosted references, as the
   * tag lock takes them.
   * @default the host each reference names
   */
  host?: string;
}

/** What {@link shardJobs} splits: a {@link MergeJob}, or any object with a destination. */
export interface ShardableJob {
  /** The destination tag the job writes. */
  readonly destImage: string;
}

/** `value`, a whole number from 1 to `max`; otherwise (`undefined` too) an InvalidOptionError. */
function wholeNumber(name: string, value: unknown, max: number): number {
  // `undefined` is refused, not defaulted: a shard must be named.
  return numberOption(name, value ?? Number.NaN, 1, { min: 1, max, integer: true });
}

/**
 * The shard (1 to `count`) that writes the tag `destImage` names: a stable hash of the tag's
 * one key (the key of the tag lock: host spellings, `docker.io` and `library/` made one), so
 * every spelling of one tag lands in one shard, on every machine and every run.
 *
 * @throws {InvalidReferenceError} when `destImage` is not a valid reference.
 */
function shardOfTag(destImage: string, count: number, host: string | undefined): number {
  const key = tagKey(rehost(destImage, host));
  const hash = createHash('sha256').update(key, 'utf8').digest();
  // 48 bits of the hash: uniform enough for any count up to MAX_SHARDS.
  return (hash.readUIntBE(0, 6) % count) + 1;
}

/**
 * The jobs of one shard, in their order: each job goes to the shard its destination tag
 * hashes to (sha256 of the tag's lock key, modulo `count`), so the `count` shards together
 * hold every job exactly once, and all the jobs writing one tag (however its reference is
 * spelt) are in the same shard: no two shards ever write one tag. Run each shard's jobs in
 * its own process (`mergeMany(shardJobs(jobs, shard), options)`, CLI `bulk --shard I/N`).
 *
 * Any object with a `destImage` is a job, so a caller can carry its own fields (a job number)
 * through.
 *
 * @throws {InvalidOptionError} when `index` or `count` is not a whole number in its range.
 * @throws {InvalidReferenceError} when a job's `destImage` is not a valid reference.
 *
 * @example
 * ```ts
 * // CI matrix job 2 of 3:
 * const outcomes = await mergeMany(shardJobs(jobs, { index: 2, count: 3 }), options);
 * ```
 */
export function shardJobs<J extends ShardableJob>(jobs: readonly J[], shard: Shard): J[] {
  const count = wholeNumber('shard.count', shard.count, MAX_SHARDS);
  const index = wholeNumber('shard.index', shard.index, count);
  return jobs.filter((job) => shardOfTag(job.destImage, count, shard.host) === index);
}
