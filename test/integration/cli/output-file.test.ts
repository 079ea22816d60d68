// `--output` (src/cli/output-file.ts) in process, against the real registries of the global
// setup: the exact bytes, to a file or stdout, and what a file that cannot be written does.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { lines, runInProcess, stageRepo } from '../../support/cli.js';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy.js';
import { getManifest } from '../../support/images.js';

const regs = inject('registries');
const tmp = mkdtempSync(join(tmpdir(), 'mlm-cli-test-'));
let proxy: FaultProxy;
beforeAll(async () => {
  proxy = await startFaultProxy(regs.anonymous.url);
});
afterAll(async () => {
  await proxy?.stop();
});

describe('merge', () => {
  it('--output writes the exact bytes of the new list', async () => {
    const t = await stageRepo(regs.anonymous);
    const file = join(tmp, `${t.repo.replace('/', '_')}.json`);
    const run = await runInProcess(['merge', '--src', t.src, '--dest', t.dest, '--output', file]);
    expect(run.code).toBe(0);
    const after = await getManifest(regs.anonymous, t.repo, 'dest');
    expect(readFileSync(file).equals(after.bytes)).toBe(true);
  });

  it('--output - writes the exact bytes on stdout and moves the summary to stderr', async () => {
    const t = await stageRepo(regs.anonymous);
    const run = await runInProcess([
      'select',
      '--src',
      t.src,
      '--dest',
      t.dest,
      '-a',
      'arm64',
      '-o',
      '-',
    ]);
    expect(run.code).toBe(0);
    const list = JSON.parse(run.stdout);
    expect(list.manifests.length).toBe(3);
    expect(run.stderr).toContain('Not pushed');
    const both = await runInProcess([
      'merge',
      '--src',
      t.src,
      '--dest',
      t.dest,
      '-o',
      '-',
      '--json',
    ]);
    expect(both.code).toBe(2);
  });

  it('--output - writes exactly the bytes of the digest, nothing else on stdout (also with -q)', async () => {
    const t = await stageRepo(regs.anonymous);
    const sha = (text: string) =>
      `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
    const quiet = await runInProcess(['merge', '--src', t.src, '--dest', t.dest, '-o', '-', '-q']);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    const digest = quiet.stderr.trim();
    expect(sha(quiet.stdout)).toBe(digest);
    expect(JSON.parse(quiet.stdout).manifests).toHaveLength(3);
    const after = await getManifest(regs.anonymous, t.repo, 'dest');
    expect(after.digest).toBe(digest);
    expect(Buffer.from(quiet.stdout, 'utf8').equals(after.bytes)).toBe(true);
    // Without -q: the summary, with the digest, on stderr; still only the bytes on stdout.
    const summary = await runInProcess(['merge', '--src', t.src, '--dest', t.dest, '-o', '-']);
    expect(summary.code).toBe(0);
    const reported = /(sha256:[0-9a-f]{64}) \(/.exec(summary.stderr)?.[1];
    expect(reported).toBe(digest);
    expect(sha(summary.stdout)).toBe(reported);
    expect(JSON.parse(summary.stdout).manifests).toHaveLength(3);
  });

  it('--output FILE that cannot be written is a usage error before any request', async () => {
    const t = await stageRepo(regs.anonymous);
    const src = t.src.replace(regs.anonymous.host, proxy.host);
    const dest = t.dest.replace(regs.anonymous.host, proxy.host);
    for (const file of [join(tmp, 'no-such-dir', 'list.json'), tmp]) {
      proxy.clearLog();
      const run = await runInProcess(['merge', '--src', src, '--dest', dest, '--output', file]);
      expect(run.code).toBe(2);
      expect(lines(run.stderr)).toHaveLength(1);
      expect(run.stderr).toContain(`--output '${file}'`);
      expect(proxy.log).toEqual([]);
    }
    expect((await getManifest(regs.anonymous, t.repo, 'dest')).digest).toBe(t.destDigest);
  });

  it('--output FILE: a failed merge leaves an existing FILE as it was and creates none', async () => {
    const t = await stageRepo(regs.anonymous);
    const existing = join(tmp, `${t.repo.replace('/', '_')}-old.json`);
    writeFileSync(existing, 'previous content\n');
    const fresh = join(tmp, `${t.repo.replace('/', '_')}-new.json`);
    for (const file of [existing, fresh]) {
      const run = await runInProcess([
        'merge',
        '--src',
        `${t.src}-missing`,
        '--dest',
        t.dest,
        '--output',
        file,
      ]);
      expect(run.code).toBe(4);
    }
    expect(readFileSync(existing, 'utf8')).toBe('previous content\n');
    expect(existsSync(fresh)).toBe(false);
  });

  it.skipIf(!existsSync('/dev/full'))(
    '--output FILE failing after the push says the push happened, with the digest',
    async () => {
      const t = await stageRepo(regs.anonymous);
      const run = await runInProcess([
        'merge',
        '--src',
        t.src,
        '--dest',
        t.dest,
        '--output',
        '/dev/full',
      ]);
      expect(run.code).toBe(1);
      expect(lines(run.stderr)).toHaveLength(1);
      const after = await getManifest(regs.anonymous, t.repo, 'dest');
      expect(after.digest).not.toBe(t.destDigest);
      expect(run.stderr).toContain(`pushed ${after.digest} to ${t.dest}`);
      expect(run.stderr).toContain("writing --output '/dev/full' failed");
      expect(run.stderr).toContain('[OUTPUT_FAILED]; ');
    },
  );
});
