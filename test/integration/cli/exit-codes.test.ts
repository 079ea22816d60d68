// Exit codes of real failures, in process: not found (4), authentication (5), and, on a
// staged registry, a conflict (3) and an interrupted run (130).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ExitCode } from '../../../src/cli/exit-codes.js';
import { lines, runInProcess, stageRepo } from '../../support/cli.js';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy.js';
import { getManifest, pushList } from '../../support/images.js';
import { uniqueRepo } from '../../support/registry.js';

const regs = inject('registries');

describe('registry errors', () => {
  it('a missing source exits 4 (not found)', async () => {
    const t = await stageRepo(regs.anonymous);
    const run = await runInProcess(['merge', '--src', `${t.src}-missing`, '--dest', t.dest]);
    expect(run.code).toBe(4);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain('NOT_FOUND');
  });

  it("merge into a missing destination exits 4 and says to create it with 'select --push'", async () => {
    const t = await stageRepo(regs.anonymous);
    const run = await runInProcess([
      'merge',
      '--src',
      t.src,
      '--dest',
      `${t.dest}-missing`,
      '--json',
    ]);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('select');
    expect(JSON.parse(run.stdout)).toEqual({
      error: { code: 'DESTINATION_NOT_FOUND', message: expect.any(String), exitCode: 4 },
    });
  });

  it('a wrong password exits 5 and the password appears nowhere', async () => {
    const reg = regs.basic;
    const t = await stageRepo(reg);
    const secret = 'not-the-password-9c1e7';
    for (const verbose of [[], ['--verbose']]) {
      const run = await runInProcess(
        [
          'merge',
          '--src',
          t.src,
          '--dest',
          t.dest,
          '--src-username',
          'alice',
          '--dest-username',
          'alice',
          ...verbose,
        ],
        { env: { MLM_SRC_PASSWORD: secret, MLM_DEST_PASSWORD: secret } },
      );
      expect(run.code).toBe(5);
      expect(run.stderr).toContain('AUTHENTICATION_FAILED');
      expect(run.stdout + run.stderr).not.toContain(secret);
      if (verbose.length === 0) expect(lines(run.stderr)).toHaveLength(1);
      else expect(lines(run.stderr).length).toBeGreaterThan(1); // the stack, with --verbose
    }
  });

  it('no credentials for a registry that needs them exits 5', async () => {
    const t = await stageRepo(regs.token);
    const run = await runInProcess(['merge', '--src', t.src, '--dest', t.dest]);
    expect(run.code).toBe(5);
  });
});

describe('staged registry behaviours', () => {
  const regs = inject('registries');
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startFaultProxy(regs.anonymous.url);
  });
  afterAll(async () => {
    await proxy?.stop();
  });

  it('a destination that keeps moving exits 3 (conflict) and is left as the other writer left it', async () => {
    const repo = uniqueRepo('cli');
    const dest = await pushList(regs.anonymous, repo, 'dest', { platforms: ['linux/s390x'] });
    await pushList(regs.anonymous, repo, 'src', { platforms: ['linux/amd64'] });
    // A registry that honours If-Match, where another writer always wins the race: every
    // PUT of ours is refused with 412.
    const fault = proxy.addFault({
      method: 'PUT',
      path: new RegExp(`/v2/${repo}/manifests/dest$`),
      action: 'respond',
      status: 412,
      body: '{"errors":[{"code":"PRECONDITION_FAILED"}]}',
      times: Number.POSITIVE_INFINITY,
    });
    try {
      const run = await runInProcess([
        'merge',
        '--src',
        `${proxy.host}/${repo}:src`,
        '--dest',
        `${proxy.host}/${repo}:dest`,
      ]);
      expect(run.code).toBe(3);
      expect(lines(run.stderr)).toHaveLength(1);
      expect(run.stderr).toContain('CONFLICT');
      expect(fault.hits).toBeGreaterThan(1);
      expect((await getManifest(regs.anonymous, repo, 'dest')).digest).toBe(dest.digest);
    } finally {
      fault.remove();
    }
  });

  it('an aborted run (Ctrl-C) exits 130 and pushes nothing', async () => {
    const repo = uniqueRepo('cli');
    const dest = await pushList(regs.anonymous, repo, 'dest', { platforms: ['linux/s390x'] });
    await pushList(regs.anonymous, repo, 'src', { platforms: ['linux/amd64'] });
    const fault = proxy.addFault({
      method: 'GET',
      action: 'stall',
      times: Number.POSITIVE_INFINITY,
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('interrupted')), 300);
    try {
      const run = await runInProcess(
        ['merge', '--src', `${proxy.host}/${repo}:src`, '--dest', `${proxy.host}/${repo}:dest`],
        { signal: controller.signal },
      );
      expect(run.code).toBe(ExitCode.INTERRUPTED);
      expect(lines(run.stderr)).toHaveLength(1);
    } finally {
      fault.remove();
    }
    expect((await getManifest(regs.anonymous, repo, 'dest')).digest).toBe(dest.digest);
  });
});
