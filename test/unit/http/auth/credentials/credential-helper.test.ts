// Credential helpers (src/http/auth/credentials/credential-helper.ts): the protocol (server
// URL on stdin, Username/Secret out, <token> for identity tokens), and the limits on a
// helper's time and output (its whole process group killed past them). Each failure is a
// CredentialSourceError naming the helper.
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CredentialSourceError, InvalidOptionError } from '../../../../../src/errors/index.js';
import { createCredentialChain } from '../../../../../src/http/auth/credentials/credential-chain.js';
import { runCredentialHelper } from '../../../../../src/http/auth/credentials/credential-helper.js';
import {
  type HelperBin,
  isAlive,
  makeHelperBin,
  waitGone,
} from '../../../../support/credential-helpers.js';
import { settle } from '../../../../support/settle.js';

let bin: HelperBin;
let env: NodeJS.ProcessEnv;
let stdinLog: string;
beforeAll(() => {
  bin = makeHelperBin();
  env = bin.env;
  stdinLog = bin.stdinLog;
});
afterEach(() => {
  const left = bin.leftPid();
  if (left !== undefined && isAlive(left)) process.kill(left, 'SIGKILL');
  bin.reset();
});
afterAll(() => {
  bin?.remove();
});

describe('credential helper', () => {
  it('sends the server URL on stdin and reads Username/Secret', async () => {
    expect(await runCredentialHelper('test', 'helper.example.com', { env })).toEqual({
      username: 'helper-user',
      password: 'helper:secret',
    });
    expect((await readFile(stdinLog, 'utf8')).split('\n')).toContain('helper.example.com');
  });
  it('maps Username <token> to an identity token', async () => {
    expect(await runCredentialHelper('test', 'token.example.com', { env })).toEqual({
      identityToken: 'id-token-1',
    });
  });
  it('answers undefined for "credentials not found"', async () => {
    expect(await runCredentialHelper('test', 'unknown.example.com', { env })).toBeUndefined();
  });
  it('fails clearly, without the output, for a crash, bad JSON or a missing helper', async () => {
    await expect(runCredentialHelper('test', 'crash.example.com', { env })).rejects.toThrow(
      /exit code 3/,
    );
    await expect(runCredentialHelper('test', 'broken.example.com', { env })).rejects.toThrow(
      /not JSON/,
    );
    await expect(runCredentialHelper('missing-helper', 'x', { env })).rejects.toThrow(
      /could not be run/,
    );
    await expect(runCredentialHelper('../evil', 'x', { env })).rejects.toThrow(
      /Invalid credential helper/,
    );
  });
});

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
