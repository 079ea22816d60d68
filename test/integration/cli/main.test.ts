// The built command, `node dist/cli.js`, as a release script runs it: a real merge against a
// real registry, basic auth with the password on stdin, help, version and a usage error.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  CLI_JS,
  emptyDockerConfig,
  ensureCliBuilt,
  lines,
  ROOT,
  runSpawned,
} from '../../support/cli.js';
import { type HelperBin, makeHelperBin, waitGone } from '../../support/credential-helpers.js';
import { getManifest, platformsOf, pushList } from '../../support/images.js';
import { uniqueRepo } from '../../support/registry.js';

const regs = inject('registries');

let helpers: HelperBin;
beforeAll(async () => {
  helpers = makeHelperBin();
  await ensureCliBuilt();
}, 120_000);
afterAll(() => {
  helpers?.remove();
});

describe('node dist/cli.js', () => {
  it('is the package bin, with a shebang', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(pkg.bin['manifest-list-merger']).toBe('./dist/cli.js');
    expect(readFileSync(CLI_JS, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('merges on a real registry (anonymous) and reports the digest the tag resolves to', async () => {
    const reg = regs.anonymous;
    const repo = uniqueRepo('cli');
    await pushList(reg, repo, 'dest', { platforms: ['linux/amd64', 'linux/s390x'] });
    await pushList(reg, repo, 'src', { platforms: ['linux/amd64', 'linux/arm64'] });
    const run = await runSpawned([
      'merge',
      '--src',
      `${reg.host}/${repo}:src`,
      '--dest',
      `${reg.host}/${repo}:dest`,
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as { digest: string; pushed: boolean };
    expect(json.pushed).toBe(true);
    const after = await getManifest(reg, repo, 'dest');
    expect(after.digest).toBe(json.digest);
    expect(platformsOf(after.bytes)).toEqual(['linux/amd64', 'linux/arm64', 'linux/s390x']);
  });

  it('authenticates with the password on stdin (basic auth), never echoing it', async () => {
    const reg = regs.basic;
    const repo = uniqueRepo('cli');
    await pushList(reg, repo, 'dest', { platforms: ['linux/ppc64le'] });
    await pushList(reg, repo, 'src', { platforms: ['linux/amd64'] });
    const run = await runSpawned(
      [
        'merge',
        '--src',
        `${reg.host}/${repo}:src`,
        '--dest',
        `${reg.host}/${repo}:dest`,
        '--src-username',
        reg.username as string,
        '--src-password-stdin',
        '--dest-username',
        reg.username as string,
        '--dest-password-stdin',
      ],
      { stdin: `${reg.password}\n` },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Pushed sha256:[0-9a-f]{64}/);
    expect(run.stdout + run.stderr).not.toContain(reg.password as string);
    const after = await getManifest(reg, repo, 'dest');
    expect(platformsOf(after.bytes)).toEqual(['linux/amd64', 'linux/ppc64le']);
  });

  it('--help lists examples; --version prints the version', async () => {
    const help = await runSpawned(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain('manifest-list-merger merge --src');
    expect(help.stdout).toContain('Exit codes:');
    const mergeHelp = await runSpawned(['merge', '--help']);
    expect(mergeHelp.code).toBe(0);
    expect(mergeHelp.stdout).toContain('Examples:');
    expect(mergeHelp.stdout).toContain('--dry-run');
    const version = await runSpawned(['--version']);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  it('bulk whose stdout reader goes away still runs every job and exits with its real code', async () => {
    // `manifest-list-merger bulk jobs.txt --concurrency 1 | (read -r l; echo "$l")`
    const reg = regs.anonymous;
    const repos: string[] = [];
    const jobs: string[] = [];
    for (let i = 0; i < 5; i++) {
      const repo = uniqueRepo('cli');
      await pushList(reg, repo, 'dest', { platforms: ['linux/s390x'] });
      await pushList(reg, repo, 'src', { platforms: ['linux/amd64'] });
      repos.push(repo);
      jobs.push(`${reg.host}/${repo}:src ${reg.host}/${repo}:dest`);
    }
    // The last job fails: the exit code must say so.
    jobs.push(`${reg.host}/${repos[0]}:src-missing ${reg.host}/${repos[0]}:dest`);
    const file = join(mkdtempSync(join(tmpdir(), 'mlm-cli-epipe-')), 'jobs.txt');
    writeFileSync(file, `${jobs.join('\n')}\n`);
    const child = spawn(process.execPath, [CLI_JS, 'bulk', file, '--concurrency', '1'], {
      env: { PATH: process.env['PATH'], DOCKER_CONFIG: emptyDockerConfig() },
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    let first = '';
    child.stdout.on('data', (c: Buffer) => {
      first += c.toString('utf8');
      // Read one line, then go away, as `read -r l` does.
      if (first.includes('\n')) child.stdout.destroy();
    });
    const code = await new Promise<number | null>((r) => child.once('close', (c) => r(c)));
    expect(first).toMatch(/^ok /);
    expect(stderr).toContain('stdout was closed');
    expect(stderr).toContain(`job 6 (${reg.host}/${repos[0]}:src-missing`);
    expect(code).toBe(1);
    for (const repo of repos) {
      expect(platformsOf((await getManifest(reg, repo, 'dest')).bytes)).toEqual([
        'linux/amd64',
        'linux/s390x',
      ]);
    }
  });

  it('Ctrl-C (SIGINT) aborts the requests in flight and exits 130', async () => {
    // A "registry" that accepts connections and never answers.
    const sockets: Socket[] = [];
    const server: Server = createServer((socket) => {
      sockets.push(socket);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const child = spawn(
        process.execPath,
        [CLI_JS, 'merge', '--src', `127.0.0.1:${port}/a:src`, '--dest', `127.0.0.1:${port}/a:dest`],
        { env: { PATH: process.env['PATH'], DOCKER_CONFIG: emptyDockerConfig() } },
      );
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString('utf8');
      });
      const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
      while (sockets.length === 0) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(stderr).toContain('interrupted');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });

  it('a credential helper that times out leaving a child on its stdout: exit 5 at once, nothing left', async () => {
    const reg = regs.basic;
    const repo = uniqueRepo('cli');
    await pushList(reg, repo, 'src', { platforms: ['linux/amd64'] });
    const configDir = mkdtempSync(join(tmpdir(), 'mlm-cli-helper-'));
    writeFileSync(
      join(configDir, 'config.json'),
      JSON.stringify({ credHelpers: { [reg.host]: 'forks-and-hangs' } }),
    );
    const started = Date.now();
    const run = await runSpawned(
      ['merge', '--src', `${reg.host}/${repo}:src`, '--dest', `${reg.host}/${repo}:dest`],
      {
        env: {
          PATH: helpers.env['PATH'] as string,
          HELPER_PID_FILE: helpers.env['HELPER_PID_FILE'] as string,
          DOCKER_CONFIG: configDir,
          MLM_CREDENTIAL_HELPER_TIMEOUT_MS: '500',
        },
      },
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.code).toBe(5);
    expect(run.stderr).toContain('docker-credential-forks-and-hangs did not answer within 500 ms');
    expect(run.stderr).toContain('[CREDENTIAL_SOURCE_FAILED]');
    await waitGone(helpers.leftPid() as number);
  });

  it('a usage error exits 2 with one line on stderr', async () => {
    const run = await runSpawned(['merge', '--dest', 'localhost:5000/a:b']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain('--src');
  });
});
