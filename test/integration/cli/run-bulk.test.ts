// `bulk` (src/cli/run-bulk.ts) in process, against the real registries of the global setup:
// lines and JSON files, concurrency, failures, stdin, --fail-fast.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { lines, runInProcess, stageRepo } from '../../support/cli.js';
import { getManifest, listTags, platformsOf, pushImage, pushList } from '../../support/images.js';
import { uniqueRepo } from '../../support/registry.js';

const regs = inject('registries');
const tmp = mkdtempSync(join(tmpdir(), 'mlm-cli-test-'));

describe('bulk', () => {
  it("runs 'SRC DEST' lines with a concurrency, one result line per job", async () => {
    const jobs = await Promise.all([
      stageRepo(regs.anonymous),
      stageRepo(regs.anonymous),
      stageRepo(regs.anonymous),
    ]);
    const file = join(tmp, 'jobs.txt');
    writeFileSync(file, `# three merges\n${jobs.map((j) => `${j.src} ${j.dest}`).join('\n')}\n\n`);
    const run = await runInProcess(['bulk', file, '--concurrency', '2']);
    expect(run.code).toBe(0);
    expect(lines(run.stdout).filter((l) => l.startsWith('ok'))).toHaveLength(3);
    expect(run.stdout).toContain('3 job(s): 3 pushed');
    for (const j of jobs) {
      expect(platformsOf((await getManifest(regs.anonymous, j.repo, 'dest')).bytes)).toEqual([
        'linux/amd64',
        'linux/arm64',
        'linux/s390x',
      ]);
    }
  });

  it('runs a JSON file of both modes; a failing job does not stop the others (exit 1)', async () => {
    const a = await stageRepo(regs.anonymous);
    const b = await stageRepo(regs.anonymous);
    const file = join(tmp, 'jobs.json');
    writeFileSync(
      file,
      JSON.stringify([
        { src: a.src, dest: a.dest },
        { src: `${a.src}-missing`, dest: a.dest },
        { src: b.src, dest: b.dest, archs: ['arm64'], push: true },
      ]),
    );
    const run = await runInProcess(['bulk', file, '--json']);
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({ command: 'bulk', total: 3, succeeded: 2, failed: 1, skipped: 0 });
    expect(json.jobs.map((j: { status: string }) => j.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(json.jobs[1].error.code).toBe('NOT_FOUND');
    expect(json.jobs[2]).toMatchObject({ mode: 'select', pushed: true });
    expect(platformsOf((await getManifest(regs.anonymous, b.repo, 'dest')).bytes)).toEqual([
      'linux/arm64',
      'linux/amd64',
      'linux/s390x',
    ]);
  });

  it('reads jobs from stdin, draws a progress bar on a terminal, and --dry-run writes nothing', async () => {
    const a = await stageRepo(regs.anonymous);
    const run = await runInProcess(['bulk', '-', '--dry-run'], {
      stdin: `${a.src} ${a.dest}\n`,
      tty: true,
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('1/1');
    expect(run.stdout).toContain('dry-run');
    expect((await getManifest(regs.anonymous, a.repo, 'dest')).digest).toBe(a.destDigest);
  });

  it('failure lines (which job, why) go to stderr always, even with --quiet or --json', async () => {
    const a = await stageRepo(regs.anonymous);
    const file = join(tmp, 'quiet-failure.txt');
    writeFileSync(file, `${a.src} ${a.dest}\n${a.src}-missing ${a.dest}\n`);
    const quiet = await runInProcess(['bulk', file, '--quiet', '--concurrency', '1']);
    expect(quiet.code).toBe(1);
    expect(quiet.stdout).toBe('1/2 ok\n');
    expect(lines(quiet.stderr)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^manifest-list-merger: error: job 2 \\(${a.src}-missing -> ${a.dest}\\): .+ \\[NOT_FOUND\\]; check the reference`,
        ),
      ),
    ]);
    const json = await runInProcess(['bulk', file, '--json', '--concurrency', '1']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ failed: 1 });
    expect(json.stderr).toContain(`job 2 (${a.src}-missing -> ${a.dest})`);
    expect(json.stderr).toContain('[NOT_FOUND]');
  });

  it('--fail-fast skips the jobs not started after a failure', async () => {
    const a = await stageRepo(regs.anonymous);
    const file = join(tmp, 'fail-fast.txt');
    writeFileSync(file, `${a.src}-missing ${a.dest}\n${a.src} ${a.dest}\n${a.src} ${a.dest}\n`);
    const run = await runInProcess(['bulk', file, '--fail-fast', '--concurrency', '1', '--json']);
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout);
    expect(json.jobs.map((j: { status: string }) => j.status)).toEqual([
      'rejected',
      'skipped',
      'skipped',
    ]);
    expect((await getManifest(regs.anonymous, a.repo, 'dest')).digest).toBe(a.destDigest);
  });

  it('a malformed file is a usage error naming the line', async () => {
    const file = join(tmp, 'bad.txt');
    writeFileSync(file, 'a/b:c a/b:d\nonly-one-field\n');
    const run = await runInProcess(['bulk', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('bad.txt:2');
    const digestDest = join(tmp, 'digest.txt');
    writeFileSync(digestDest, `a/b:c a/b@sha256:${'b'.repeat(64)}\n`);
    const refused = await runInProcess(['bulk', digestDest]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('digest');
  });

  it('--create and the input flags apply to every job; a JSON job’s own fields win', async () => {
    const reg = regs.anonymous;
    const repo = uniqueRepo('cli-bulk-in');
    const at = (tag: string) => `${reg.host}/${repo}:${tag}`;
    await pushImage(reg, repo, {
      platform: 'linux/s390x',
      tag: 'bare',
      configWithoutPlatform: true,
    });
    await pushList(reg, repo, 'list', { platforms: ['linux/arm64'] });
    const file = join(tmp, 'inputs.json');
    writeFileSync(
      file,
      JSON.stringify([
        { src: at('bare'), dest: at('one'), platform: 'linux/s390x' },
        { src: at('list'), dest: at('two') },
        { src: at('list'), dest: at('three'), create: false },
      ]),
    );
    const run = await runInProcess(['bulk', file, '--create']);
    expect(run.code).toBe(1);
    expect(platformsOf((await getManifest(reg, repo, 'one')).bytes)).toEqual(['linux/s390x']);
    expect(platformsOf((await getManifest(reg, repo, 'two')).bytes)).toEqual(['linux/arm64']);
    expect(await listTags(reg, repo)).not.toContain('three');
    expect(run.stderr).toMatch(/job 3 \(.*:three\): .*\[DESTINATION_NOT_FOUND\]/);
    expect(run.stdout).toContain('3 job(s): 2 pushed');

    // The flag gives every job's single-image source its platform; a malformed one is a
    // usage error before any job runs, the flag's or a job's.
    const lines4 = join(tmp, 'inputs.txt');
    writeFileSync(lines4, `${at('bare')} ${at('four')}\n`);
    const flagged = await runInProcess(['bulk', lines4, '--create', '--platform', 'linux/s390x']);
    expect(flagged.code).toBe(0);
    expect(platformsOf((await getManifest(reg, repo, 'four')).bytes)).toEqual(['linux/s390x']);
    const bad = await runInProcess(['bulk', lines4, '--create', '--platform', 'bogus']);
    expect([bad.code, bad.stderr]).toEqual([
      2,
      expect.stringMatching(/--platform: .*"bogus" is not a platform/),
    ]);
    writeFileSync(file, JSON.stringify([{ src: at('bare'), dest: at('five'), platform: 'linux' }]));
    const badJob = await runInProcess(['bulk', file, '--create']);
    expect([badJob.code, badJob.stderr]).toEqual([
      2,
      expect.stringMatching(/job 1 \(.*\): .*not a platform/),
    ]);
    expect(await listTags(reg, repo)).not.toContain('five');
  });
});
