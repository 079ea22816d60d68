// The attempts of a publish (src/publish/attempts.ts), over the in-memory client: what sends a
// merge back to reading before or at its PUT (a 412, a PUT that did not land, a HEAD that
// lies), and what does not (a PUT that landed but whose answer was lost).
import { describe, expect, it } from 'vitest';
import { NotFoundError, type RegistryClient } from '../../../src/index.js';
import { archs, image, list } from '../../support/fixtures.js';
import { DEST, merger, scripted, setup, tag, write } from '../../support/merges.js';

describe('before the PUT', () => {
  it('with preconditions honoured, a 412 re-reads and merges again without overwriting', async () => {
    const registry = setup(list([image('amd64')]), list([image('s390x')]), {
      honourPreconditions: true,
    });
    const client = scripted(registry, {
      afterGet: (img, n) => {
        if (img === DEST && n === 1) write(registry, [image('s390x'), image('ppc64le')]);
      },
    });
    // A long settle window: the read is fresh at the PUT, so only the precondition can tell.
    const result = await merger(client, {
      settleTime: 1000,
      soleWriter: true,
    }).mergeManifestLists();
    expect(result.attempts).toBe(2);
    expect(archs(await tag(registry))).toEqual(['amd64', 's390x', 'ppc64le']);
    // The first PUT was refused: exactly one list was written.
    expect(registry.calls.filter((c) => c.method === 'put')).toHaveLength(2);
  });

  it('a PUT that failed without landing goes back to reading, never retried blindly', async () => {
    const registry = setup(list([image('amd64')]), list([image('s390x')]));
    const client = scripted(registry, {
      putError: (n) =>
        n === 1
          ? { error: Object.assign(new Error('503'), { status: 503 }), landed: false }
          : undefined,
    });
    const result = await merger(client).mergeManifestLists();
    expect(result.attempts).toBe(2);
    expect(archs(await tag(registry))).toEqual(['amd64', 's390x']);
  });

  it('a PUT whose answer was lost but which landed is not pushed again', async () => {
    const registry = setup(list([image('amd64')]), list([image('s390x')]));
    const client = scripted(registry, {
      putError: (n) =>
        n === 1
          ? { error: Object.assign(new Error('reset'), { code: 'ECONNRESET' }), landed: true }
          : undefined,
    });
    const result = await merger(client).mergeManifestLists();
    expect(result.attempts).toBe(1);
    expect(registry.calls.filter((c) => c.method === 'put')).toHaveLength(1);
  });

  it('a HEAD that lies (404 where GET works) is confirmed with a GET, not taken as a move', async () => {
    const registry = setup(list([image('amd64')]), list([image('s390x')]));
    const client = scripted(registry, {
      beforePut: () => undefined,
      head: async () => {
        throw new NotFoundError({ status: 404, registryMessage: 'Nexus says no' });
      },
    });
    // A slow merge (the pre-PUT check runs): simulate it with a tiny settle, so 2.5 ms is old.
    const slow: RegistryClient = {
      ...client,
      getManifest: async (img, o) => {
        const r = await client.getManifest(img, o);
        await new Promise((res) => setTimeout(res, 20));
        return r;
      },
    };
    const result = await merger(slow).mergeManifestLists();
    expect(result.attempts).toBe(1);
    expect(archs(await tag(registry))).toEqual(['amd64', 's390x']);
  });
});
