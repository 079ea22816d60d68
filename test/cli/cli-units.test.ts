// The CLI's own small parts: exit codes per error class, durations, the bulk file format,
// credential resolution; and two behaviours that need a staged registry: a conflict (exit 3)
// and an interrupted run (exit 130).
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MAX_BULK_FILE_BYTES, parseBulkFile } from '../../src/cli/bulk-file.js';
import { MAX_STDIN_PASSWORD_BYTES, resolveCredentials } from '../../src/cli/credentials.js';
import { formatError } from '../../src/cli/errors.js';
import { ExitCode, exitCodeFor } from '../../src/cli/exit-codes.js';
import { parseDuration } from '../../src/cli/parse-args.js';
import { UsageError } from '../../src/cli/usage-error.js';
import { ERROR_CODES } from '../../src/errors/codes.js';
import {
  AuthenticationError,
  ClientsNotSetError,
  ConflictError,
  DestinationNotFoundError,
  DigestMismatchError,
  IncompatibleMediaTypeError,
  InvalidManifestListError,
  InvalidOptionError,
  InvalidReferenceError,
  ManifestTooLargeError,
  MissingChildrenError,
  NetworkError,
  NotFoundError,
  RegistryError,
  RequestAbortedError,
  RequestTimeoutError,
  UnsupportedOperationError,
} from '../../src/errors/index.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { endlessStream } from '../support/hostile-inputs.js';
import { getManifest, pushList } from '../support/images.js';
import { uniqueRepo } from '../support/registry.js';
import { lines, runInProcess } from './helpers.js';

describe('exit codes', () => {
  it.each([
    [new ConflictError({ image: 'r/a:b', attempts: 5 }), ExitCode.CONFLICT],
    [new NotFoundError(), ExitCode.NOT_FOUND],
    [new DestinationNotFoundError({ image: 'r/a:b' }), ExitCode.NOT_FOUND],
    [new AuthenticationError({ reason: 'credentials-rejected' }), ExitCode.AUTH],
    [
      new InvalidReferenceError({ reference: 'A B', problem: 'contains whitespace' }),
      ExitCode.USAGE,
    ],
    [new UsageError('x'), ExitCode.USAGE],
    [new RegistryError({ status: 500 }), ExitCode.FAILED],
    [new Error('plain'), ExitCode.FAILED],
    ['a string', ExitCode.FAILED],
  ])('%o -> %i', (error, code) => {
    expect(exitCodeFor(error)).toBe(code);
  });
});

describe('error lines name what to do', () => {
  const FALLBACK = /report it/;
  const hintOf = (line: string): string => {
    const m = /^manifest-list-merger: error: .+ \[([A-Z_]+)\]; (.+)\n$/.exec(line);
    expect(m, line).not.toBeNull();
    return (m as RegExpExecArray)[2] as string;
  };

  it.each([
    new InvalidReferenceError({ reference: 'A B', problem: 'contains whitespace' }),
    new InvalidOptionError({ option: 'destImage', problem: 'is bad' }),
    new ConflictError({ image: 'r/a:b', attempts: 5 }),
    new NotFoundError({ status: 404 }),
    new DestinationNotFoundError({ image: 'r/a:b' }),
    new AuthenticationError({ reason: 'credentials-rejected', status: 401 }),
    new RequestAbortedError(),
    new RegistryError({ method: 'GET', url: 'x', status: 500 }),
    new NetworkError({ method: 'GET', url: 'x', detail: 'ECONNREFUSED' }),
    new DigestMismatchError({
      expected: `sha256:${'a'.repeat(64)}`,
      actual: `sha256:${'b'.repeat(64)}`,
      source: 'header',
    }),
    new ManifestTooLargeError({ limit: 4 << 20 }),
    new RequestTimeoutError({ timeoutKind: 'attempt', timeoutMs: 30_000 }),
    new InvalidManifestListError({
      problem: 'not a list',
      field: 'mediaType',
      reason: 'not-a-list',
    }),
    new MissingChildrenError({ image: 'r/a:b', digests: [`sha256:${'c'.repeat(64)}`] }),
    new IncompatibleMediaTypeError({ fields: ['annotations'] }),
    new UnsupportedOperationError({ method: 'getBlob', purpose: 'copy a child' }),
    new ClientsNotSetError(),
  ])('%s', (error) => {
    const line = formatError(error, false);
    expect(lines(line)).toHaveLength(1);
    expect(line).toContain(`[${error.code}]`);
    expect(hintOf(line)).not.toMatch(FALLBACK);
  });

  it('has a hint of its own for every code the library can produce', () => {
    // Every code of the library, and the CLI's own but USAGE (printed without its code).
    const codes = new Set<string>([...ERROR_CODES, 'OUTPUT_FAILED']);
    expect(codes.size).toBeGreaterThan(20);
    for (const code of codes) {
      const line = formatError(Object.assign(new Error('something failed'), { code }), false);
      expect(hintOf(line), code).not.toMatch(FALLBACK);
    }
  });

  it("a registry's refusal carries the status, its codes and a hint for the status", () => {
    const put = new RegistryError({
      method: 'PUT',
      url: 'http://127.0.0.1:5000/v2/a/manifests/b',
      status: 405,
      registryCodes: ['UNSUPPORTED'],
      registryMessage: 'UNSUPPORTED The operation is unsupported.',
    });
    const line = formatError(put, false);
    expect(line).toContain(
      'answered HTTP 405: UNSUPPORTED The operation is unsupported [REGISTRY_ERROR]',
    );
    expect(hintOf(line)).toMatch(/accepts pushes to this repository/);
    // Status and codes the message does not name are added.
    const bare = formatError(
      new RegistryError({
        method: 'PATCH',
        status: 403,
        registryCodes: ['DENIED'],
        problem: 'the upload failed',
      }),
      false,
    );
    expect(bare).toContain('The upload failed (HTTP 403; registry codes: DENIED) [REGISTRY_ERROR]');
    expect(hintOf(bare)).toMatch(/may push to this repository/);
    const busy = formatError(new RegistryError({ method: 'GET', url: 'x', status: 503 }), false);
    expect(hintOf(busy)).toMatch(/try again later/);
  });

  it("errors that are not the library's get a hint too", () => {
    for (const error of [
      new Error('something odd'),
      'a string',
      Object.assign(new Error("EACCES: permission denied, open '/x'"), { code: 'EACCES' }),
    ]) {
      const line = formatError(error, false);
      expect(lines(line)).toHaveLength(1);
      expect(line).toMatch(/; \S.+\n$/);
    }
    expect(formatError(Object.assign(new Error('x'), { code: 'EACCES' }), false)).toMatch(
      /system error \(EACCES\)/,
    );
  });
});

describe('mistyped flags', () => {
  it.each([
    ['--src-password=Hunter2Secret', "'--src-password=***'"],
    ['--dest-password=Hunter2 Secret', "'--dest-password=***'"],
    ["--src-pass='Hunter2Secret'", "'--src-pass=***'"],
    ['-pHunter2Secret', "'-p***'"],
    ['-nHunter2Secret', "'-H***'"],
  ])('an unknown option never echoes its value: %s', async (flag, shown) => {
    const run = await runInProcess(['merge', '--src', 'a/b:c', '--dest', 'a/b:d', flag]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain(`unknown option ${shown}`);
    expect(run.stdout + run.stderr).not.toContain('Hunter2');
  });

  it('masks a short value too, and without a command', async () => {
    const run = await runInProcess(['--src', 'a/b:c', '--dest-password=abc']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("'--dest-password=***'");
    expect(run.stderr).not.toContain('abc');
  });

  it("keeps commander's suggestion on the one line", async () => {
    const run = await runInProcess(['merge', '--srcc', 'a/b:c']);
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toBe(
      "manifest-list-merger: error: unknown option '--srcc' (Did you mean --src?); see 'manifest-list-merger merge --help'\n",
    );
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
  it('hands every credential-like value of a JSON job to onSecret, then refuses the job', () => {
    const seen: string[] = [];
    const text = JSON.stringify([
      { src: 'a/b:1', dest: 'a/b:2' },
      { src: 'a/b:1', dest: 'a/b:2', auth: { password: 'pw-nested', user: 'u' } },
      { src: 'a/b:1', dest: 'a/b:2', destToken: 'tok-value' },
    ]);
    expect(() => parseBulkFile(text, 'f', (s) => seen.push(s))).toThrow(
      /f\[1\]: "auth": a job cannot carry credentials/,
    );
    expect(seen.sort()).toEqual(['pw-nested', 'tok-value', 'u']);
  });
  it('reports a JSON syntax error by position, never quoting the text', () => {
    const text = '[{"src": "a/b:1",\n "dest": "a/b:2", "x": hunter2-unquoted}]';
    const error = (() => {
      try {
        parseBulkFile(text, 'f');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect(error?.message).not.toContain('hunter2');
    expect(error?.message).toMatch(/^f is not valid JSON/);
  });
});

describe('bulk never prints a secret read from stdin, the environment or the jobs file', () => {
  const SECRET = 'pa55w0rd9x'; // short enough for JSON.parse to quote it whole
  const env = { MLM_SRC_USERNAME: 'ci', MLM_SRC_PASSWORD: SECRET };
  it.each([
    ['an invalid reference holding it (lines)', `a/b:1 a/B${SECRET}:2\n`],
    [
      'an invalid reference holding it (JSON)',
      JSON.stringify([{ src: 'a/b:1', dest: `a/B${SECRET}` }]),
    ],
    ['a JSON syntax error next to it', `[{"src": "a/b:1", "dest": "a/b:2", "x": ${SECRET}}]`],
    [
      'a JSON syntax error next to a password of the file',
      '[{"src": "a/b:1", "password": s3cret-in-the-file}]',
    ],
  ])('%s', async (_name, jobs) => {
    const run = await runInProcess(['bulk', '-'], { stdin: jobs, env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^manifest-list-merger: error: /);
    expect(run.stderr + run.stdout).not.toContain(SECRET);
    expect(run.stderr + run.stdout).not.toContain('s3cret');
  });
  it(`refuses a jobs file over ${MAX_BULK_FILE_BYTES / 1024 / 1024} MiB`, async () => {
    const run = await runInProcess(['bulk', '-'], {
      stdin: `a/b:1 a/b:2\n${'#'.repeat(MAX_BULK_FILE_BYTES)}\n`,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('stdin is larger than 16 MiB');
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
  it.each([
    ['one line over 64 KiB', () => stdin('x'.repeat(MAX_STDIN_PASSWORD_BYTES + 1))],
    ['an endless stream', () => endlessStream().stream],
  ])('stops reading stdin past 64 KiB: %s', async (_name, input) => {
    const { stream, pulled } = (() => {
      const s = input();
      let chunks = 0;
      s.on('data', () => chunks++);
      return { stream: s, pulled: () => chunks };
    })();
    await expect(
      resolveCredentials({ srcUsername: 'u', srcPasswordStdin: true }, {}, stream),
    ).rejects.toThrow(/stdin holds more than 64 KiB/);
    expect(stream.destroyed).toBe(true);
    expect(pulled()).toBeLessThan(5);
  });
  it('takes a 64 KiB password whole', async () => {
    const password = 'p'.repeat(MAX_STDIN_PASSWORD_BYTES - 1);
    const creds = await resolveCredentials(
      { srcUsername: 'u', srcPasswordStdin: true },
      {},
      stdin(`${password}\n`),
    );
    expect(creds.src.password).toBe(password);
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
