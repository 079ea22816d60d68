// The per-tag lock of this process (src/publish/tag-lock.ts): merges into one tag are
// serialised, whatever the spelling of the tag; merges into different tags are not.
import { describe, expect, it } from 'vitest';
import {
  InMemoryRegistryClient,
  ManifestListMerger,
  parseManifestList,
} from '../../../src/index.js';
import { withTagLock } from '../../../src/publish/tag-lock.js';
import { archs, entry, image, list } from '../../support/fixtures.js';
import { DEST } from '../../support/merges.js';

const tick = (ms = 1) => new Promise((resolve) => setTimeout(resolve, ms));

/** A call under the lock of `key` that logs when it starts and ends, `ms` apart. */
function logged(log: string[], key: string, name: string, ms: number, fail = false) {
  return withTagLock(key, async () => {
    log.push(`${name} start`);
    await tick(ms);
    log.push(`${name} end`);
    if (fail) throw new Error(`${name} failed`);
    return name;
  });
}

describe('withTagLock', () => {
  it('runs calls on one key one after the other, in call order', async () => {
    const log: string[] = [];
    const results = await Promise.all([
      logged(log, 'lock-a', 'first', 20),
      logged(log, 'lock-a', 'second', 1),
      logged(log, 'lock-a', 'third', 5),
    ]);
    expect(results).toEqual(['first', 'second', 'third']);
    expect(log).toEqual([
      'first start',
      'first end',
      'second start',
      'second end',
      'third start',
      'third end',
    ]);
  });

  it('runs calls on two keys at the same time', async () => {
    const log: string[] = [];
    await Promise.all([logged(log, 'lock-b', 'b', 20), logged(log, 'lock-c', 'c', 20)]);
    expect(log.slice(0, 2).sort()).toEqual(['b start', 'c start']);
  });

  it('a failed call rejects its own caller only, and the next call on its key still runs', async () => {
    const log: string[] = [];
    const failed = logged(log, 'lock-d', 'failing', 5, true);
    const next = logged(log, 'lock-d', 'next', 1);
    await expect(failed).rejects.toThrow('failing failed');
    expect(await next).toBe('next');
    expect(log).toEqual(['failing start', 'failing end', 'next start', 'next end']);
  });
});

describe('one lock key per tag', () => {
  it('serialises merges into two spellings of one tag in this process', async () => {
    const registry = new InMemoryRegistryClient();
    registry.setManifest('localhost:5000/acme/app:1', list([image('s390x')]));
    const spellings = ['LOCALHOST:5000/acme/app:1', 'localhost:5000/acme/app:1'];
    await Promise.all(
      ['amd64', 'arm64'].map((arch, i) => {
        const src = `localhost:5000/acme/app:${arch}`;
        registry.setManifest(src, list([image(arch)]));
        return new ManifestListMerger({
          srcImage: src,
          destImage: spellings[i] as string,
          srcClient: registry,
          destClient: registry,
          soleWriter: true, // only the in-process lock stands between them
        }).mergeManifestLists();
      }),
    );
    const final = parseManifestList(
      (await registry.getManifest('localhost:5000/acme/app:1')).bytes,
    );
    expect(archs(final).sort()).toEqual(['amd64', 'arm64', 's390x']);
  });
});

describe('writers of one tag', () => {
  it('32 concurrent merges in one process, each adding a platform, lose none', async () => {
    const registry = new InMemoryRegistryClient();
    registry.setManifest(DEST, list([entry('amd64', 'base')]));
    const archs = Array.from({ length: 32 }, (_, i) => `arch${i}`);
    await Promise.all(
      archs.map((arch) => {
        const src = `registry.test/acme/app:${arch}`;
        registry.setManifest(src, list([entry(arch)]));
        return new ManifestListMerger({
          srcImage: src,
          destImage: DEST,
          srcClient: registry,
          destClient: registry,
        }).mergeManifestLists();
      }),
    );
    const final = parseManifestList((await registry.getManifest(DEST)).bytes);
    expect(final.manifests.map((m) => m.platform?.architecture).sort()).toEqual(
      ['amd64', ...archs].sort(),
    );
  });
});
