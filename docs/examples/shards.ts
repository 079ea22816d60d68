// One shard of a release batch per CI matrix job (or Kubernetes indexed job): the jobs are
// split by destination tag, so no two shards ever write one tag.
//   SHARD=2 SHARDS=3 node release-shard.js
import { HttpRegistryClient, type MergeJob, mergeMany, shardJobs } from '../../src/index.js';

export async function releaseShard(jobs: readonly MergeJob[]): Promise<number> {
  // Counted from 1; a Kubernetes indexed job passes JOB_COMPLETION_INDEX + 1.
  const shard = { index: Number(process.env['SHARD']), count: Number(process.env['SHARDS']) };
  const client = new HttpRegistryClient({ dockerConfig: true });
  try {
    const outcomes = await mergeMany(shardJobs(jobs, shard), {
      srcClient: client,
      destClient: client,
    });
    return outcomes.every((o) => o.status === 'fulfilled') ? 0 : 1;
  } finally {
    client.close();
  }
}
