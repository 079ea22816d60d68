// `bulk --shard I/N` in-process against the global setup's anonymous registry: N runs, one
// per shard, together run every job of the file once, and the jobs of one tag in one run.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { runInProcess } from '../../support/cli.js';
import { getManifest, pushList } from '../../support/images.js';
import { uniqueRepo } from '../../support/registry.js';

const regs = inject('registries');
const tmp = mkdtempSync(join(tmpdir(), 'mlm-shard-test-'));

interface JobJson {
  index: number;
  dest: string;
  status: string;
}

describe('bulk --shard I/N', () => {
  it('three shards run every job once; the jobs of one tag run in one shard', async () => {
    const reg = regs.anonymous;
    // Five release tags, each written by two select jobs (amd64, then arm64), and one job whose
    // source is missing (it fails, numbered as in the file, in whichever shard it falls).
    const repos = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const repo = uniqueRepo('shard');
        await pushList(reg, repo, 'build', { platforms: ['linux/amd64', 'linux/arm64'] });
        return repo;
      }),
    );
    const jobs: { src: string; dest: string; archs: string[]; push: boolean }[] = [];
    for (const repo of repos) {
      for (const arch of ['amd64', 'arm64']) {
        jobs.push({
          src: `${reg.host}/${repo}:build`,
          dest: `${reg.host}/${repo}:release`,
          archs: [arch],
          push: true,
        });
      }
    }
    const missing = { ...(jobs[0] as (typeof jobs)[0]), src: `${reg.host}/${repos[0]}:nope` };
    jobs.splice(6, 0, missing); // job 7 of the file
    const file = join(tmp, 'jobs.json');
    writeFileSync(file, JSON.stringify(jobs));

    const runs = [];
    for (let i = 1; i <= 3; i++) {
      runs.push(await runInProcess(['bulk', file, '--shard', `${i}/3`, '--json']));
    }
    const shards = runs.map((run) => JSON.parse(run.stdout) as { jobs: JobJson[]; shard: unknown });
    runs.forEach((run, i) => {
      expect(shards[i]?.shard).toEqual({ index: i + 1, count: 3, jobsInFile: jobs.length });
      const failed = shards[i]?.jobs.some((j) => j.status === 'rejected');
      expect(run.code).toBe(failed ? 1 : 0);
      if (failed) expect(run.stderr).toContain(`job 7 (${missing.src} -> ${missing.dest})`);
    });
    // Every job of the file exactly once, by its index in the file.
    const indexes = shards.flatMap((s) => s.jobs.map((j) => j.index));
    expect([...indexes].sort((a, b) => a - b)).toEqual(jobs.map((_, i) => i));
    // Each job's own destination, and each tag in one shard only.
    for (const s of shards) for (const j of s.jobs) expect(j.dest).toBe(jobs[j.index]?.dest);
    const shardsOfTag = new Map<string, Set<number>>();
    shards.forEach((s, i) => {
      for (const j of s.jobs)
        shardsOfTag.set(j.dest, (shardsOfTag.get(j.dest) ?? new Set()).add(i));
    });
    expect([...shardsOfTag.values()].map((set) => set.size)).toEqual(repos.map(() => 1));
    // So every tag got both of its platforms.
    for (const repo of repos) {
      const list = JSON.parse((await getManifest(reg, repo, 'release')).bytes.toString('utf8'));
      const archs = list.manifests.map(
        (m: { platform: { architecture: string } }) => m.platform.architecture,
      );
      expect(archs.sort()).toEqual(['amd64', 'arm64']);
    }
  });

  it('prints the shard in the summary, and a shard without jobs succeeds', async () => {
    const repo = uniqueRepo('shard-one');
    await pushList(regs.anonymous, repo, 'build', { platforms: ['linux/amd64'] });
    await pushList(regs.anonymous, repo, 'release', { platforms: ['linux/s390x'] });
    const file = join(tmp, 'one.txt');
    writeFileSync(
      file,
      `${regs.anonymous.host}/${repo}:build ${regs.anonymous.host}/${repo}:release\n`,
    );
    const runs = await Promise.all(
      [1, 2].map((i) => runInProcess(['bulk', file, '--shard', `${i}/2`, '--dry-run'])),
    );
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    // The job is in one shard (which one depends on the random repository name).
    const summaries = runs.map((r, i) =>
      r.stdout
        .split('\n')
        .filter((l) => l.includes('job(s)'))
        .map((l) => l.replace(`shard ${i + 1}/2`, 'shard I/2')),
    );
    expect(summaries.flat().sort()).toEqual([
      '0 job(s) in shard I/2 (of 1 in the file)',
      '1 job(s) in shard I/2 (of 1 in the file): 1 dry-run',
    ]);
  });

  it.each([
    ['0/3', 'counted from 1, so I must be from 1 to 3'],
    ['4/3', 'counted from 1, so I must be from 1 to 3'],
    ['1/0', 'N must be from 1 to 100000'],
    ['1/100001', 'N must be from 1 to 100000'],
    ['a/b', 'is not a shard: write I/N'],
    ['1/3/4', 'is not a shard: write I/N'],
    ['2', 'is not a shard: write I/N'],
  ])('--shard %s is a usage error (exit 2): %s', async (value, message) => {
    const file = join(tmp, 'usage.txt');
    writeFileSync(file, 'localhost:5000/a:1 localhost:5000/a:2\n');
    const run = await runInProcess(['bulk', file, '--shard', value]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe('');
  });
});
