// The limits on where credentials come from: a credential helper's time and output (its
// whole process group killed past them), and Docker config files that are not regular files
// or are too large. Each failure is a CredentialSourceError naming the helper or the file.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CredentialSourceError, InvalidOptionError } from '../../src/errors/index.js';
import { createCredentialChain } from '../../src/http/auth/credentials/credential-chain.js';
import { readCredentialFile } from '../../src/http/auth/credentials/credential-file.js';
import { runCredentialHelper } from '../../src/http/auth/credentials/credential-helper.js';
import { type HelperBin, isAlive, makeHelperBin, waitGone } from '../support/credential-helpers.js';
import { linkToDevZero, makeFifo, makeLargeJson } from '../support/hostile-inputs.js';

let bin: HelperBin;
let dir: string;
beforeAll(() => {
  bin = makeHelperBin();
  dir = mkdtempSync(join(tmpdir(), 'mlm-config-limits-'));
});
afterEach(() => {
  const left = bin.leftPid();
  if (left !== undefined && isAlive(left)) process.kill(left, 'SIGKILL');
  bin.reset();
});
afterAll(() => {
  bin?.remove();
  rmSync(dir, { recursive: true, force: true });
});

/** The error a promise rejects with, and how long it took to settle. */
async function settle(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, ms: Date.now() - started };
}

describe('credential helper limits', () => {
  it.each([
    {
      helper: 'forks-and-hangs',
      options: { timeoutMs: 300 },
      reason: 'helper-timeout',
      limit: 300,
    },
    { helper: 'prints-1mib', options: { timeoutMs: 10_000 }, reason: 'helper-output-too-large' },
    {
      helper: 'prints-forever',
      options: { timeoutMs: 10_000 },
      reason: 'helper-output-too-large',
      limit: 65_536,
    },
    {
      helper: 'prints-1mib',
      options: { timeoutMs: 10_000, maxOutputBytes: 2 << 20 },
      reason: 'helper-invalid-output',
    },
  ] as const)('$helper $options → $reason, promptly, nothing left running', async (c) => {
    const { error, ms } = await settle(
      runCredentialHelper(c.helper, 'registry.example.com', { ...c.options, env: bin.env }),
    );
    expect(error).toBeInstanceOf(CredentialSourceError);
    const e = error as CredentialSourceError;
    expect(e).toMatchObject({ reason: c.reason, source: `docker-credential-${c.helper}` });
    if ('limit' in c) expect(e.limit).toBe(c.limit);
    expect(e.message).toContain(`docker-credential-${c.helper}`);
    expect(e.message).not.toContain('registry.example.com');
    expect(ms).toBeLessThan(c.options.timeoutMs + 3_000);
    const left = bin.leftPid();
    if (left !== undefined) await waitGone(left);
  });

  it('answers although it left a child holding its output, and that child is killed', async () => {
    const { result, ms } = await (async () => {
      const started = Date.now();
      const r = await runCredentialHelper('answers-then-forks', 'registry.example.com', {
        timeoutMs: 20_000,
        env: bin.env,
      });
      return { result: r, ms: Date.now() - started };
    })();
    expect(result).toEqual({ username: 'forked', password: 'forked-secret' });
    expect(ms).toBeLessThan(5_000);
    await waitGone(bin.leftPid() as number);
  });

  it('takes its timeout from MLM_CREDENTIAL_HELPER_TIMEOUT_MS, and refuses a bad value', async () => {
    const env = { ...bin.env, HELPER_DELAY: '5', MLM_CREDENTIAL_HELPER_TIMEOUT_MS: '300' };
    const { error, ms } = await settle(runCredentialHelper('slow', 'x', { env }));
    expect(error).toMatchObject({ reason: 'helper-timeout', limit: 300 });
    expect(ms).toBeLessThan(3_000);
    const bad = { ...env, MLM_CREDENTIAL_HELPER_TIMEOUT_MS: '5s' };
    await expect(runCredentialHelper('slow', 'x', { env: bad })).rejects.toBeInstanceOf(
      InvalidOptionError,
    );
  });

  it('a lookup through the credential chain settles at the timeout with the typed error', async () => {
    const chain = createCredentialChain({
      dockerConfig: { credHelpers: { 'registry.example.com': 'forks-and-hangs' } },
      env: bin.env,
      helperTimeoutMs: 300,
    });
    const { error, ms } = await settle(Promise.resolve(chain('registry.example.com')));
    expect(error).toMatchObject({ code: 'CREDENTIAL_SOURCE_FAILED', reason: 'helper-timeout' });
    expect(ms).toBeLessThan(3_000);
    await waitGone(bin.leftPid() as number);
  });
});

describe('Docker config files', () => {
  const fresh = (name: string): string => {
    const d = join(dir, name);
    mkdirSync(d);
    return d;
  };

  it.each([
    { name: 'a FIFO', make: (d: string) => makeFifo(d), reason: 'not-a-file', says: /a FIFO/ },
    {
      name: 'a link to /dev/zero',
      make: (d: string) => linkToDevZero(d),
      reason: 'not-a-file',
      says: /a character device/,
    },
    { name: 'a directory', make: (d: string) => d, reason: 'not-a-file', says: /a directory/ },
    {
      name: 'a 2 MiB file',
      make: (d: string) => makeLargeJson(d, 2 << 20),
      reason: 'too-large',
      says: /larger than 1048576 bytes/,
    },
  ])('$name is refused at once, naming the file', async (c) => {
    const path = c.make(fresh(c.name.replace(/\W+/g, '-')));
    const { error, ms } = await settle(readCredentialFile(path));
    expect(error).toBeInstanceOf(CredentialSourceError);
    expect(error).toMatchObject({ reason: c.reason, source: path });
    const message = (error as Error).message;
    expect(message).toContain(path);
    expect(message).toMatch(c.says);
    expect(message).not.toMatch(/undefined/);
    expect(ms).toBeLessThan(2_000);
  });

  it('reads a file up to maxBytes, and refuses one byte more', async () => {
    const path = makeLargeJson(fresh('sized'), 1000);
    expect(await readCredentialFile(path, { maxBytes: 1000 })).toEqual({});
    await expect(readCredentialFile(path, { maxBytes: 999 })).rejects.toMatchObject({
      reason: 'too-large',
      limit: 999,
    });
  });

  it('a chain whose config path is a FIFO fails at once with the typed error', async () => {
    const d = fresh('chain-fifo');
    makeFifo(d);
    const chain = createCredentialChain({ dockerConfig: true, env: { DOCKER_CONFIG: d } });
    const { error, ms } = await settle(Promise.resolve(chain('registry.example.com')));
    expect(error).toMatchObject({ reason: 'not-a-file', source: join(d, 'config.json') });
    expect(ms).toBeLessThan(2_000);
  });
});
