// Many merges at once with mergeMany: shared clients (one token per scope for the batch),
// bounded concurrency, progress on stderr, one outcome per job.
import { HttpRegistryClient, type MergeJob, mergeMany } from '../../src/index.js';

export async function releaseAll(version: string, builds: string[]): Promise<number> {
  const client = new HttpRegistryClient({ dockerConfig: true });
  const jobs: MergeJob[] = [
    // merge: fold each per-architecture build into the release tag. The three jobs write one
    // tag: the library runs them one after the other, so none loses another's platform.
    ...builds.map((arch) => ({
      srcImage: `quay.io/acme/app:${version}-${arch}`,
      destImage: `quay.io/acme/app:${version}`,
    })),
    // select: take only arm64 from the nightly into `edge`, which may not exist yet.
    {
      mode: 'select',
      srcImage: 'quay.io/acme/app:nightly',
      destImage: 'quay.io/acme/app:edge',
      eligibleArchs: ['arm64'],
      push: true,
    },
  ];
  const outcomes = await mergeMany(jobs, {
    srcClient: client,
    destClient: client,
    concurrency: 8,
    onProgress: (e) => {
      if (e.type === 'settled') console.error(`${e.done}/${e.total} ${e.job.destImage}`);
    },
  });
  client.close();

  for (const o of outcomes) {
    const name = `${o.job.srcImage} -> ${o.job.destImage}`;
    if (o.status === 'fulfilled') {
      console.log(`${name}: ${o.result.outcome} ${o.result.digest}`);
    } else if (o.status === 'rejected') {
      const code = (o.error as { code?: string }).code ?? 'ERROR';
      console.log(`${name}: failed [${code}] ${(o.error as Error).message}`);
    } else {
      console.log(`${name}: skipped`);
    }
  }
  return outcomes.every((o) => o.status === 'fulfilled') ? 0 : 1;
}
