// The CLI's credentials end to end, in process, against the real registries of the global
// setup: the environment, Docker's config.json, pubtools-quay's flags, stdin.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { runInProcess, stageRepo } from '../../support/cli.js';
import { getManifest, platformsOf } from '../../support/images.js';

const regs = inject('registries');

describe('credentials', () => {
  it('token auth with passwords from MLM_SRC_PASSWORD / MLM_DEST_PASSWORD', async () => {
    const reg = regs.token;
    const t = await stageRepo(reg);
    const run = await runInProcess(['merge', '--src', t.src, '--dest', t.dest], {
      env: {
        MLM_SRC_USERNAME: reg.username as string,
        MLM_SRC_PASSWORD: reg.password as string,
        MLM_DEST_USERNAME: reg.username as string,
        MLM_DEST_PASSWORD: reg.password as string,
      },
    });
    expect(run.code).toBe(0);
    expect(platformsOf((await getManifest(reg, t.repo, 'dest')).bytes)).toEqual([
      'linux/amd64',
      'linux/arm64',
      'linux/s390x',
    ]);
  });

  it("reads Docker's config.json (auths) by default", async () => {
    const reg = regs.basic;
    const t = await stageRepo(reg);
    const dir = mkdtempSync(join(tmpdir(), 'mlm-cli-docker-'));
    const auth = Buffer.from(`${reg.username}:${reg.password}`).toString('base64');
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [reg.host]: { auth } } }));
    const run = await runInProcess(['merge', '--src', t.src, '--dest', t.dest], {
      env: { DOCKER_CONFIG: dir },
    });
    expect(run.code).toBe(0);
    const off = await runInProcess(
      ['merge', '--src', t.src, '--dest', t.dest, '--no-docker-config'],
      {
        env: { DOCKER_CONFIG: dir },
      },
    );
    expect(off.code).toBe(5);
  });

  it("pubtools-quay's flags work as aliases, without a command; a password argument is warned about", async () => {
    const reg = regs.basic;
    const t = await stageRepo(reg);
    const run = await runInProcess([
      '--source-ref',
      t.src,
      '--dest-ref',
      t.dest,
      '--source-quay-user',
      reg.username as string,
      '--source-quay-password',
      reg.password as string,
      '--dest-quay-user',
      reg.username as string,
      '--dest-quay-password',
      reg.password as string,
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/warning: --source-quay-password .*--src-password-stdin/);
    expect(run.stderr).toMatch(/warning: --dest-quay-password .*--dest-password-stdin/);
    expect(run.stdout + run.stderr).not.toContain(reg.password as string);
    expect(platformsOf((await getManifest(reg, t.repo, 'dest')).bytes)).toEqual([
      'linux/amd64',
      'linux/arm64',
      'linux/s390x',
    ]);
  });

  it('one stdin line serves both sides; two lines are source then destination', async () => {
    const reg = regs.basic;
    const t = await stageRepo(reg);
    const argv = [
      'merge',
      '--src',
      t.src,
      '--dest',
      t.dest,
      '--src-username',
      reg.username as string,
      '--src-password-stdin',
      '--dest-username',
      reg.username as string,
      '--dest-password-stdin',
      '--dry-run',
    ];
    expect((await runInProcess(argv, { stdin: `${reg.password}\n` })).code).toBe(0);
    expect((await runInProcess(argv, { stdin: `${reg.password}\n${reg.password}\n` })).code).toBe(
      0,
    );
    expect((await runInProcess(argv, { stdin: `${reg.password}\nwrong-one\n` })).code).toBe(5);
  });
});
