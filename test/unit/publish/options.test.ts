// The merger's options (src/publish/options.ts): numbers checked once, at construction.
import { describe, expect, it } from 'vitest';
import {
  InMemoryRegistryClient,
  InvalidOptionError,
  ManifestListMerger,
} from '../../../src/index.js';
import { DEST, merger, SRC } from '../../support/merges.js';

describe('options', () => {
  it.each([
    ['maxAttempts', Number.NaN],
    ['maxAttempts', 0],
    ['maxAttempts', 2.5],
    ['copyConcurrency', Number.NaN],
    ['copyConcurrency', Number.POSITIVE_INFINITY],
    ['settleTime', -1],
    ['settleTime', Number.NaN],
    ['maxIndexDepth', -1],
    ['maxIndexDepth', Number.NaN],
  ])('refuses %s: %s', (option, value) => {
    expect(() => merger(new InMemoryRegistryClient(), { [option]: value })).toThrow(
      InvalidOptionError,
    );
  });

  it('logs nothing before refusing a merge without clients', async () => {
    const lines: string[] = [];
    const m = new ManifestListMerger({
      srcImage: SRC,
      destImage: DEST,
      logger: { info: (l) => lines.push(l) },
    });
    await expect(m.mergeManifestLists()).rejects.toMatchObject({ code: 'CLIENTS_NOT_SET' });
    expect(lines).toEqual([]);
  });
});
