// The per-tag lock of this process (src/publish/tag-lock.ts): merges into one tag are
// serialised, whatever the spelling of the tag; merges into different tags are not.
import { describe, expect, it } from 'vitest';
import {
  InMemoryRegistryClient,
  ManifestListMerger,
  parseManifestList,
} from '../../../src/index.js';
import { archs, entry, image, list } from '../../support/fixtures.js';
import { DEST } from '../../support/merges.js';

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
