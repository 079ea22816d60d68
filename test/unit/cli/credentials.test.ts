// Where the CLI's credentials come from (src/cli/credentials.ts): flags, environment and one
// bounded stdin read.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MAX_STDIN_PASSWORD_BYTES, resolveCredentials } from '../../../src/cli/credentials.js';
import { endlessStream } from '../../support/hostile-inputs.js';

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
