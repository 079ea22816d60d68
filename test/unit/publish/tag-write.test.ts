// Pushing to the tag (src/publish/tag-write.ts), over the in-memory client: an uncontended
// push (GET, GET, PUT with If-Match, one read back), a new tag, a cold process's extra read,
// soleWriter, and the guard on the digest the registry answers with.
import { describe, expect, it } from 'vitest';
import {
  computeDigest,
  DigestMismatchError,
  InMemoryRegistryClient,
  type RegistryClient,
} from '../../../src/index.js';
import { archs, entry, image, list } from '../../support/fixtures.js';
import { DEST, merger, SRC, setup, tag, warmUp } from '../../support/merges.js';

describe('an uncontended push', () => {
  it('reads both sides, PUTs once with If-Match, then reads the tag back once', async () => {
    const registry = setup(list([image('amd64')]), list([image('s390x')]));
    const before = registry.resolveTag(DEST);
    await warmUp(registry);
    registry.calls.length = 0;
    // A settle window long enough that the read is still fresh at the PUT on a busy machine.
    const result = await merger(registry, { settleTime: 200 }).mergeManifestLists();
    expect(registry.calls.map((c) => c.method)).toEqual(['get', 'get', 'put', 'get']);
    expect(registry.calls[2]).toEqual({ method: 'put', image: DEST, precondition: before });
    expect(result.verification).toEqual({
      settleMs: 200,
      polls: 0,
      otherWriters: 0,
      restored: [],
    });
  });

  it("'auto' waits at least 10 ms after the PUT", async () => {
    const registry = setup(list([image('amd64')]), list([image('s390x')]));
    const result = await merger(registry, { settleTime: 'auto' }).mergeManifestLists();
    expect(result.verification?.settleMs).toBeGreaterThanOrEqual(10);
  });

  it("'auto' stretches the window by the event loop blocked anywhere in the merge, not only during the PUT", async () => {
    const registry = setup(list([image('amd64')]), list([image('s390x')]));
    await warmUp(registry);
    const read = registry.getManifest.bind(registry);
    let blocked = false;
    registry.getManifest = async (ref, options) => {
      if (!blocked) {
        // A process starved (or compiling) for 60 ms while it reads: its peers may be too.
        blocked = true;
        await new Promise((r) => setTimeout(r, 5)); // the read is under way
        const until = performance.now() + 60;
        while (performance.now() < until) {}
        await new Promise((r) => setTimeout(r, 5)); // a read's I/O: the loop turns
      }
      return read(ref, options);
    };
    const result = await merger(registry, { settleTime: 'auto' }).mergeManifestLists();
    expect(result.verification?.settleMs).toBeGreaterThanOrEqual(100); // twice ~55 ms
  });

  it('creates a new tag with If-None-Match: *', async () => {
    const registry = setup(list([image('amd64'), image('arm64')]));
    await merger(registry).mergeSelectedArchitectures(['amd64'], { push: true });
    expect(registry.calls.find((c) => c.method === 'put')?.precondition).toBe('*');
    expect(archs(await tag(registry))).toEqual(['amd64']);
  });

  it('a process’s first push reads the tag again just before its PUT (cold round trips)', async () => {
    // A registry no earlier test of this process has talked to.
    const registry = new InMemoryRegistryClient();
    registry.setManifest('cold.test/acme/app:build', list([image('amd64')]));
    registry.setManifest('cold.test/acme/app:1.0', list([image('s390x')]));
    const cold = merger(registry, {
      srcImage: 'cold.test/acme/app:build',
      destImage: 'cold.test/acme/app:1.0',
      settleTime: 200,
    });
    await cold.mergeManifestLists();
    expect(registry.calls.map((c) => c.method)).toEqual(['get', 'get', 'head', 'put', 'get']);
  });

  it('with soleWriter: only GET, GET, PUT, and no verification', async () => {
    const registry = setup(list([image('amd64')]), list([image('s390x')]));
    registry.calls.length = 0;
    const result = await merger(registry, { soleWriter: true }).mergeManifestLists();
    expect(registry.calls.map((c) => c.method)).toEqual(['get', 'get', 'put']);
    expect(result.verification).toBeUndefined();
  });
});

describe('the digest guard', () => {
  it('fails when the client reports another digest than the bytes have', async () => {
    const registry = new InMemoryRegistryClient();
    registry.setManifest(SRC, list([entry('amd64')]));
    registry.setManifest(DEST, list([entry('s390x')]));
    // The registry stores the bytes (the tag changes) but answers with another digest.
    const lying: RegistryClient = {
      getManifest: (image, o) => registry.getManifest(image, o),
      putManifest: async (...args) => {
        await registry.putManifest(...args);
        return computeDigest('something else');
      },
    };
    const error = await merger(registry, { destClient: lying, soleWriter: true })
      .mergeManifestLists()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DigestMismatchError);
    // It says that the tag was written, and what it resolves to now.
    expect((error as Error).message).toContain('the tag was written');
    expect((error as Error).message).toContain(registry.resolveTag(DEST));
  });
});
