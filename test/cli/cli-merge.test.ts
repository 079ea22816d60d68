// The CLI in-process (runCli with injected argv, stdio and environment) against the real
// registries of the global setup, behind a fault proxy when the request log matters.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { getManifest, pushList } from '../support/images.js';
import { uniqueRepo } from '../support/registry.js';
import type { RegistryInfo } from '../support/types.js';
import { lines, runInProcess } from './helpers.js';

const regs = inject('registries');
let proxy: FaultProxy;
const tmp = mkdtempSync(join(tmpdir(), 'mlm-cli-test-'));

beforeAll(async () => {
  proxy = await startFaultProxy(regs.anonymous.url);
});
afterAll(async () => {
  await proxy?.stop();
});

function platformsOf(bytes: Buffer): string[] {
  const list = JSON.parse(bytes.toString('utf8')) as {
    manifests: { platform?: { os: string; architecture: string } }[];
  };
  return list.manifests.map((m) => `${m.platform?.os}/${m.platform?.architecture}`);
}

/** A source (`src`) and a destination (`dest`) list in a fresh repository. */
async function setup(
  reg: RegistryInfo,
  src: string[] = ['linux/amd64', 'linux/arm64'],
  dest: string[] = ['linux/amd64', 'linux/s390x'],
): Promise<{ repo: string; src: string; dest: string; destDigest: string }> {
  const repo = uniqueRepo('cli');
  const d = await pushList(reg, repo, 'dest', { platforms: dest });
  await pushList(reg, repo, 'src', { platforms: src });
  return {
    repo,
    src: `${reg.host}/${repo}:src`,
    dest: `${reg.host}/${repo}:dest`,
    destDigest: d.digest,
  };
}

const writes = (log: FaultProxy['log']) =>
  log.filter((e) => e.method !== 'GET' && e.method !== 'HEAD');

describe('merge', () => {
  it('merges (merge mode) and prints a summary of platforms and the digest', async () => {
    const t = await setup(regs.anonymous);
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
    const t = await setup(regs.anonymous);
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
    const t = await setup(regs.anonymous);
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
    expect(writes(proxy.log)).toEqual([]);
    expect((await getManifest(regs.anonymous, t.repo, 'dest')).digest).toBe(t.destDigest);
  });

  it('a second identical merge pushes nothing; --force pushes anyway', async () => {
    const t = await setup(regs.anonymous);
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
    const t = await setup(regs.anonymous, ['linux/arm/v7'], ['linux/arm/v6', 'linux/amd64']);
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
    const t = await setup(regs.anonymous);
    const run = await runInProcess(['merge', '--src', t.src, '--dest', t.dest, '--quiet']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    expect(run.stderr).toBe('');
  });

  it('--output writes the exact bytes of the new list', async () => {
    const t = await setup(regs.anonymous);
    const file = join(tmp, `${t.repo.replace('/', '_')}.json`);
    const run = await runInProcess(['merge', '--src', t.src, '--dest', t.dest, '--output', file]);
    expect(run.code).toBe(0);
    const after = await getManifest(regs.anonymous, t.repo, 'dest');
    expect(readFileSync(file).equals(after.bytes)).toBe(true);
  });

  it('--output - writes the exact bytes on stdout and moves the summary to stderr', async () => {
    const t = await setup(regs.anonymous);
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
    const t = await setup(regs.anonymous);
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
    const t = await setup(regs.anonymous);
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
    const t = await setup(regs.anonymous);
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
      const t = await setup(regs.anonymous);
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

  it("a registry's refusal names the status, its error codes and what to do", async () => {
    const t = await setup(regs.anonymous);
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
    const t = await setup(regs.anonymous, ['linux/arm64'], ['linux/amd64']);
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
    const t = await setup(regs.anonymous);
    const src = t.src.replace(regs.anonymous.host, proxy.host);
    const dest = t.dest.replace(regs.anonymous.host, proxy.host);
    proxy.clearLog();
    const run = await runInProcess(['select', '--src', src, '--dest', dest, '--arch', 'arm64']);
    expect(run.code).toBe(0);
    expect(writes(proxy.log)).toEqual([]);
    expect(run.stdout).toContain('Not pushed (add --push to push it)');
    const listLine = lines(run.stdout).find((l) => l.startsWith('{'));
    const list = JSON.parse(listLine as string);
    expect(
      list.manifests.map((m: { platform: { architecture: string } }) => m.platform.architecture),
    ).toEqual(['arm64', 'amd64', 's390x']);
    expect((await getManifest(regs.anonymous, t.repo, 'dest')).digest).toBe(t.destDigest);
  });

  it('--push pushes only the selected architectures, comma-separated or repeated', async () => {
    const t = await setup(
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
    const t = await setup(regs.anonymous);
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

describe('usage errors exit 2 with one line', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['missing --src', ['merge', '--dest', 'localhost:5000/a:b'], /--src/],
    ['missing --dest', ['select', '--src', 'localhost:5000/a:b', '--arch', 'amd64'], /--dest/],
    [
      'destination by digest',
      [
        'merge',
        '--src',
        'localhost:5000/a:b',
        '--dest',
        `localhost:5000/a@sha256:${'a'.repeat(64)}`,
      ],
      /digest/,
    ],
    [
      'bad --match',
      ['merge', '--src', 'localhost:5000/a:b', '--dest', 'localhost:5000/a:c', '--match', 'os'],
      /--match/,
    ],
    [
      'select without --arch',
      ['select', '--src', 'localhost:5000/a:b', '--dest', 'localhost:5000/a:c'],
      /--arch/,
    ],
    [
      'invalid reference',
      ['merge', '--src', 'Not A Ref', '--dest', 'localhost:5000/a:c'],
      /Not A Ref/,
    ],
    ['unknown option', ['merge', '--srcc', 'x'], /--srcc/],
    ['bad --timeout', ['merge', '--src', 'a/b:c', '--dest', 'a/b:d', '--timeout', 'soon'], /soon/],
    [
      'username without a password',
      [
        'merge',
        '--src',
        'localhost:5000/a:b',
        '--dest',
        'localhost:5000/a:c',
        '--dest-username',
        'u',
      ],
      /MLM_DEST_PASSWORD/,
    ],
    ['--verbose with --quiet', ['merge', '--src', 'a/b:c', '--dest', 'a/b:d', '-v', '-q'], /quiet/],
  ];
  it.each(cases)('%s', async (_name, argv, pattern) => {
    const run = await runInProcess(argv);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(pattern);
    expect(run.stderr).toMatch(/^manifest-list-merger: error: /);
  });

  it('no arguments at all prints the help on stderr and exits 2', async () => {
    const run = await runInProcess([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: manifest-list-merger');
  });
});

describe('registry errors', () => {
  it('a missing source exits 4 (not found)', async () => {
    const t = await setup(regs.anonymous);
    const run = await runInProcess(['merge', '--src', `${t.src}-missing`, '--dest', t.dest]);
    expect(run.code).toBe(4);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain('NOT_FOUND');
  });

  it("merge into a missing destination exits 4 and says to create it with 'select --push'", async () => {
    const t = await setup(regs.anonymous);
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
    const t = await setup(reg);
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
    const t = await setup(regs.token);
    const run = await runInProcess(['merge', '--src', t.src, '--dest', t.dest]);
    expect(run.code).toBe(5);
  });
});

describe('credentials', () => {
  it('token auth with passwords from MLM_SRC_PASSWORD / MLM_DEST_PASSWORD', async () => {
    const reg = regs.token;
    const t = await setup(reg);
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
    const t = await setup(reg);
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

  it("the seed's flags work as aliases, without a command; a password argument is warned about", async () => {
    const reg = regs.basic;
    const t = await setup(reg);
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
    const t = await setup(reg);
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

describe('output', () => {
  it('colors only on a terminal, and never under NO_COLOR', async () => {
    const t = await setup(regs.anonymous);
    const tty = await runInProcess(['merge', '--src', t.src, '--dest', t.dest, '--dry-run'], {
      tty: true,
    });
    expect(tty.stdout).toContain('\u001b[');
    const noColor = await runInProcess(['merge', '--src', t.src, '--dest', t.dest, '--dry-run'], {
      tty: true,
      env: { NO_COLOR: '1' },
    });
    expect(noColor.code).toBe(0);
    expect(noColor.stdout + noColor.stderr).not.toContain('\u001b[');
  });
});

describe('bulk', () => {
  it("runs 'SRC DEST' lines with a concurrency, one result line per job", async () => {
    const jobs = await Promise.all([
      setup(regs.anonymous),
      setup(regs.anonymous),
      setup(regs.anonymous),
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
    const a = await setup(regs.anonymous);
    const b = await setup(regs.anonymous);
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
    const a = await setup(regs.anonymous);
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
    const a = await setup(regs.anonymous);
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
    const a = await setup(regs.anonymous);
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
});
