// `merge` and `select` (src/cli/run-merge.ts) in process, against the real registries of the
// global setup, behind a fault proxy when the request log matters.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { lines, runInProcess, stageRepo } from '../../support/cli.js';
import { type FaultProxy, startFaultProxy, writeRequests } from '../../support/fault-proxy.js';
import { getManifest, platformsOf, pushList } from '../../support/images.js';
import { uniqueRepo } from '../../support/registry.js';

const regs = inject('registries');
let proxy: FaultProxy;
beforeAll(async () => {
  proxy = await startFaultProxy(regs.anonymous.url);
});
afterAll(async () => {
  await proxy?.stop();
});

describe('merge', () => {
  it('merges (merge mode) and prints a summary of platforms and the digest', async () => {
    const t = await stageRepo(regs.anonymous);
    const run = await runInProcess(['merge', '--src', t.src, '--dest', t.dest]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const after = await getManifest(regs.anonymous, t.repo, 'dest');
    expect(platformsOf(after.bytes)).toEqual(['linux/amd64', 'linux/arm64', 'linux/s390x']);
    expect(run.stdout).toMatch(/\+ added\s+linux\/arm64/);
    expect(run.stdout).toMatch(/~ replaced\s+linux\/amd64/);
    expect(run.stdout).toMatch(/= kept\s+linux\/s390x/);
    expect(run.stdout).toContain(`Pushed ${after.digest}`);
    expect(run.stdout).not.toContain('\u001b['); // not a terminal: no color
  });

  it('--json prints the result: digest, pushed, added, replaced, kept, removed', async () => {
    const t = await stageRepo(regs.anonymous);
    const run = await runInProcess(['merge', '--src', t.src, '--dest', t.dest, '--json']);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({
      command: 'merge',
      source: t.src,
      destination: t.dest,
      outcome: 'pushed',
      pushed: true,
      dryRun: false,
      unchanged: false,
    });
    expect(json.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(typeof json.mediaType).toBe('string');
    for (const key of ['added', 'replaced', 'kept', 'removed'])
      expect(Array.isArray(json[key])).toBe(true);
    expect(json.added.map((e: { platform: string }) => e.platform)).toEqual(['linux/arm64']);
    expect(json.replaced[0]).toMatchObject({ platform: 'linux/amd64', kind: 'image' });
    expect(json.replaced[0].previousDigest).toMatch(/^sha256:/);
    expect(json.kept.map((e: { platform: string }) => e.platform)).toEqual(['linux/s390x']);
    expect(json.removed).toEqual([]);
    expect((await getManifest(regs.anonymous, t.repo, 'dest')).digest).toBe(json.digest);
  });

  it('--dry-run writes nothing (no PUT, POST or PATCH reaches the registry)', async () => {
    const t = await stageRepo(regs.anonymous);
    const src = t.src.replace(regs.anonymous.host, proxy.host);
    const dest = t.dest.replace(regs.anonymous.host, proxy.host);
    proxy.clearLog();
    const run = await runInProcess(['merge', '--src', src, '--dest', dest, '--dry-run', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      outcome: 'dry-run',
      pushed: false,
      dryRun: true,
    });
    expect(proxy.log.length).toBeGreaterThan(0);
    expect(writeRequests(proxy.log)).toEqual([]);
    expect((await getManifest(regs.anonymous, t.repo, 'dest')).digest).toBe(t.destDigest);
  });

  it('a second identical merge pushes nothing; --force pushes anyway', async () => {
    const t = await stageRepo(regs.anonymous);
    expect((await runInProcess(['merge', '--src', t.src, '--dest', t.dest])).code).toBe(0);
    const again = await runInProcess(['merge', '--src', t.src, '--dest', t.dest, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ outcome: 'unchanged', pushed: false });
    const forced = await runInProcess([
      'merge',
      '--src',
      t.src,
      '--dest',
      t.dest,
      '--force',
      '--json',
    ]);
    expect(JSON.parse(forced.stdout)).toMatchObject({ outcome: 'pushed', pushed: true });
  });

  it('--match architecture matches on the architecture alone (as pubtools-quay)', async () => {
    const t = await stageRepo(regs.anonymous, ['linux/arm/v7'], ['linux/arm/v6', 'linux/amd64']);
    const run = await runInProcess([
      'merge',
      '--src',
      t.src,
      '--dest',
      t.dest,
      '--match',
      'architecture',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const after = JSON.parse((await getManifest(regs.anonymous, t.repo, 'dest')).bytes.toString());
    const variants = after.manifests.map(
      (m: { platform: { variant?: string } }) => m.platform.variant,
    );
    expect(variants).toEqual(['v7', undefined]);
  });

  it('--quiet prints only the digest', async () => {
    const t = await stageRepo(regs.anonymous);
    const run = await runInProcess(['merge', '--src', t.src, '--dest', t.dest, '--quiet']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    expect(run.stderr).toBe('');
  });
  it("a registry's refusal names the status, its error codes and what to do", async () => {
    const t = await stageRepo(regs.anonymous);
    const fault = proxy.addFault({
      method: 'PUT',
      path: new RegExp(`/v2/${t.repo}/manifests/dest$`),
      action: 'respond',
      status: 405,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        errors: [{ code: 'UNSUPPORTED', message: 'The operation is unsupported.' }],
      }),
    });
    try {
      const run = await runInProcess([
        'merge',
        '--src',
        t.src.replace(regs.anonymous.host, proxy.host),
        '--dest',
        t.dest.replace(regs.anonymous.host, proxy.host),
      ]);
      expect(run.code).toBe(1);
      expect(lines(run.stderr)).toHaveLength(1);
      expect(run.stderr).toMatch(
        /^manifest-list-merger: error: PUT \S+\/manifests\/dest answered HTTP 405: UNSUPPORTED The operation is unsupported \[REGISTRY_ERROR\]; the registry refused the request — check that it accepts pushes to this repository/,
      );
    } finally {
      fault.remove();
    }
  });

  it('copies children across repositories, and --no-copy-children refuses instead', async () => {
    const t = await stageRepo(regs.anonymous, ['linux/arm64'], ['linux/amd64']);
    const other = uniqueRepo('cli');
    await pushList(regs.anonymous, other, 'dest', { platforms: ['linux/s390x'] });
    const dest = `${regs.anonymous.host}/${other}:dest`;
    const refused = await runInProcess([
      'merge',
      '--src',
      t.src,
      '--dest',
      dest,
      '--no-copy-children',
    ]);
    expect(refused.code).toBe(1);
    expect(lines(refused.stderr)).toHaveLength(1);
    expect(refused.stderr).toContain('MISSING_CHILDREN');
    expect(refused.stderr).toContain('--no-copy-children');
    const copied = await runInProcess(['merge', '--src', t.src, '--dest', dest, '--json']);
    expect(copied.code).toBe(0);
    expect(JSON.parse(copied.stdout).copy.manifests.length).toBe(1);
    const after = await getManifest(regs.anonymous, other, 'dest');
    expect(platformsOf(after.bytes)).toEqual(['linux/arm64', 'linux/s390x']);
  });
});

describe('select', () => {
  it('without --push prints the list and writes nothing', async () => {
    const t = await stageRepo(regs.anonymous);
    const src = t.src.replace(regs.anonymous.host, proxy.host);
    const dest = t.dest.replace(regs.anonymous.host, proxy.host);
    proxy.clearLog();
    const run = await runInProcess(['select', '--src', src, '--dest', dest, '--arch', 'arm64']);
    expect(run.code).toBe(0);
    expect(writeRequests(proxy.log)).toEqual([]);
    expect(run.stdout).toContain('Not pushed (add --push to push it)');
    const listLine = lines(run.stdout).find((l) => l.startsWith('{'));
    const list = JSON.parse(listLine as string);
    expect(
      list.manifests.map((m: { platform: { architecture: string } }) => m.platform.architecture),
    ).toEqual(['arm64', 'amd64', 's390x']);
    expect((await getManifest(regs.anonymous, t.repo, 'dest')).digest).toBe(t.destDigest);
  });

  it('--push pushes only the selected architectures, comma-separated or repeated', async () => {
    const t = await stageRepo(
      regs.anonymous,
      ['linux/amd64', 'linux/arm64', 'linux/ppc64le'],
      ['linux/s390x'],
    );
    const run = await runInProcess([
      'select',
      '--src',
      t.src,
      '--dest',
      t.dest,
      '--arch',
      'arm64,ppc64le',
      '--push',
      '--json',
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ command: 'select', pushed: true });
    const after = await getManifest(regs.anonymous, t.repo, 'dest');
    expect(platformsOf(after.bytes)).toEqual(['linux/arm64', 'linux/ppc64le', 'linux/s390x']);
  });

  it('creates a destination that does not exist yet', async () => {
    const t = await stageRepo(regs.anonymous);
    const dest = `${regs.anonymous.host}/${t.repo}:new`;
    const run = await runInProcess([
      'select',
      '--src',
      t.src,
      '--dest',
      dest,
      '-a',
      'amd64',
      '--push',
    ]);
    expect(run.code).toBe(0);
    expect(platformsOf((await getManifest(regs.anonymous, t.repo, 'new')).bytes)).toEqual([
      'linux/amd64',
    ]);
  });
});
