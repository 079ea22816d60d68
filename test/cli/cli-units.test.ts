// The CLI's own small parts: exit codes per error class, durations, the bulk file format,
// credential resolution; and two behaviours that need a staged registry: a conflict (exit 3)
// and an interrupted run (exit 130).
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseBulkFile } from '../../src/cli/bulk-file.js';
import { resolveCredentials } from '../../src/cli/credentials.js';
import { ExitCode, exitCodeFor } from '../../src/cli/exit-codes.js';
import { parseDuration } from '../../src/cli/parse-args.js';
import { UsageError } from '../../src/cli/usage-error.js';
import {
  AuthenticationError,
  ConflictError,
  DestinationNotFoundError,
  InvalidReferenceError,
  NotFoundError,
  RegistryError,
} from '../../src/errors/index.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { getManifest, pushList } from '../support/images.js';
import { uniqueRepo } from '../support/registry.js';
import { lines, runInProcess } from './helpers.js';

describe('exit codes', () => {
  it.each([
    [new ConflictError('r/a:b', 5), ExitCode.CONFLICT],
    [new NotFoundError('gone', {}), ExitCode.NOT_FOUND],
    [new DestinationNotFoundError('r/a:b'), ExitCode.NOT_FOUND],
    [new AuthenticationError('no', { reason: 'credentials-rejected' }), ExitCode.AUTH],
    [new InvalidReferenceError('A B', 'contains whitespace'), ExitCode.USAGE],
    [new UsageError('x'), ExitCode.USAGE],
    [new RegistryError('boom', { status: 500 }), ExitCode.FAILED],
    [new Error('plain'), ExitCode.FAILED],
    ['a string', ExitCode.FAILED],
  ])('%o -> %i', (error, code) => {
    expect(exitCodeFor(error)).toBe(code);
  });
});

describe('parseDuration', () => {
  it.each([
    ['30', 30_000],
    ['30s', 30_000],
    ['500ms', 500],
    ['2m', 120_000],
    ['1.5s', 1500],
  ])('%s -> %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
  it.each(['', 'soon', '-1', '0', '5d'])('refuses %o', (text) => {
    expect(() => parseDuration(text)).toThrow();
  });
});

describe('parseBulkFile', () => {
  it('reads SRC DEST lines, skipping comments and blank lines', () => {
    expect(parseBulkFile('# jobs\n\na/b:1 a/b:2  # trailing\n c/d:1\tc/d:2 \n', 'f')).toEqual([
      { src: 'a/b:1', dest: 'a/b:2' },
      { src: 'c/d:1', dest: 'c/d:2' },
    ]);
  });
  it('reads a JSON array of both modes', () => {
    expect(
      parseBulkFile(
        '[{"src":"a/b:1","dest":"a/b:2"},{"src":"c/d:1","dest":"c/d:2","archs":["arm64"],"push":true}]',
        'f',
      ),
    ).toEqual([
      { src: 'a/b:1', dest: 'a/b:2' },
      { src: 'c/d:1', dest: 'c/d:2', archs: ['arm64'], push: true },
    ]);
  });
  it.each([
    ['', /no jobs/],
    ['a b c\n', /f:1/],
    ['[', /not valid JSON/],
    ['[{"src":"a/b:1"}]', /"dest"/],
    ['[{"src":"a","dest":"b","archs":[]}]', /archs/],
    ['[{"src":"a","dest":"b","push":true}]', /"push" goes with "archs"/],
  ])('refuses %o', (text, message) => {
    expect(() => parseBulkFile(text, 'f')).toThrow(message);
  });
});

describe('resolveCredentials', () => {
  const stdin = (text = '') => Readable.from([Buffer.from(text)]);
  it('is empty (docker config / anonymous) without flags or environment', async () => {
    expect(await resolveCredentials({}, {}, stdin())).toEqual({ src: {}, dest: {}, warnings: [] });
  });
  it('takes one stdin password without its trailing newline', async () => {
    const creds = await resolveCredentials(
      { destUsername: 'u', destPasswordStdin: true },
      {},
      stdin('p w\n'),
    );
    expect(creds.dest).toEqual({ username: 'u', password: 'p w' });
  });
  it('prefers flags to the environment, and reads user names from it', async () => {
    const env = { MLM_SRC_USERNAME: 'eu', MLM_SRC_PASSWORD: 'ep', MLM_DEST_PASSWORD: 'dp' };
    const creds = await resolveCredentials({ destUsername: 'du' }, env, stdin());
    expect(creds.src).toEqual({ username: 'eu', password: 'ep' });
    expect(creds.dest).toEqual({ username: 'du', password: 'dp' });
  });
  it('warns about a password in the environment without a user name, and ignores it', async () => {
    const creds = await resolveCredentials({}, { MLM_DEST_PASSWORD: 'x' }, stdin());
    expect(creds.dest).toEqual({});
    expect(creds.warnings.join()).toContain('MLM_DEST_USERNAME');
  });
  it('refuses a stdin password without a user name, and empty stdin', async () => {
    await expect(resolveCredentials({ srcPasswordStdin: true }, {}, stdin('p\n'))).rejects.toThrow(
      /--src-username/,
    );
    await expect(
      resolveCredentials({ srcUsername: 'u', srcPasswordStdin: true }, {}, stdin('')),
    ).rejects.toThrow(/stdin is empty/);
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
    // Every re-check of the tag answers another digest: another writer, forever.
    const moved = `sha256:${'e'.repeat(64)}`;
    const fault = proxy.addFault({
      method: 'HEAD',
      path: new RegExp(`/v2/${repo}/manifests/dest$`),
      action: 'respond',
      status: 200,
      headers: {
        'docker-content-digest': moved,
        'content-type': dest.mediaType,
        'content-length': String(dest.bytes.length),
      },
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
