// Docker config files (src/http/auth/credentials/docker-config.ts): where config.json is,
// a missing or invalid file, and files that are not regular files or are too large, each a
// CredentialSourceError naming the file.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialSourceError } from '../../../../../src/errors/index.js';
import { createCredentialChain } from '../../../../../src/http/auth/credentials/credential-chain.js';
import { readCredentialFile } from '../../../../../src/http/auth/credentials/credential-file.js';
import { defaultDockerConfigPath } from '../../../../../src/http/auth/credentials/docker-config.js';
import { linkToDevZero, makeFifo, makeLargeJson } from '../../../../support/hostile-inputs.js';
import { settle } from '../../../../support/settle.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlm-docker-config-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('reading config.json', () => {
  it('finds $DOCKER_CONFIG/config.json, else ~/.docker/config.json', () => {
    expect(defaultDockerConfigPath({ DOCKER_CONFIG: '/cfg' })).toBe(join('/cfg', 'config.json'));
    expect(defaultDockerConfigPath({})).toMatch(/\.docker[/\\]config\.json$/);
  });
  it('treats a missing file as empty and refuses invalid JSON without quoting it', async () => {
    expect(await readCredentialFile(join(dir, 'nope.json'))).toEqual({});
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"auths": {"x": {"auth": "c2VjcmV0"}');
    const error = await readCredentialFile(bad).catch((e: unknown) => e);
    expect(String(error)).toMatch(/not valid JSON/);
    expect(String(error)).not.toContain('c2VjcmV0');
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
