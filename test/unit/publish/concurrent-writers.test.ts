// The cross-process write protocol over the in-memory client: each test scripts another
// writer's requests into the merge's own, in the orderings that lose platforms without it.
import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  DestinationUnreadableError,
  InMemoryRegistryClient,
  InvalidOptionError,
  type ManifestList,
  ManifestListMerger,
  type ManifestListMergerOptions,
  NotFoundError,
  OCI_IMAGE_INDEX,
  OCI_IMAGE_MANIFEST,
  parseManifestList,
  type RegistryClient,
} from '../../../src/index.js';
import { archs, image, list } from '../fixtures.js';

const SRC = 'registry.test/acme/app:build';
const DEST = 'registry.test/acme/app:1.0';

type Hooks = {
  /** After the n-th getManifest of `image` (1-based) resolved. */
  afterGet?: (image: string, n: number) => Promise<void> | void;
  /** Before the n-th putManifest reaches the registry. */
  beforePut?: (n: number) => Promise<void> | void;
  /** After the n-th putManifest landed, before its answer reaches the merger. */
  afterPut?: (n: number) => Promise<void> | void;
  /** Replaces the n-th putManifest's outcome by throwing this, after it landed (or not). */
  putError?: (n: number) => { error: unknown; landed: boolean } | undefined;
  head?: RegistryClient['headManifest'];
};

/** `registry` with another writer's moves scripted in between the merge's calls. */
function scripted(registry: InMemoryRegistryClient, hooks: Hooks): RegistryClient {
  const gets = new Map<string, number>();
  let puts = 0;
  return {
    async getManifest(img, o) {
      const result = await registry.getManifest(img, o);
      const n = (gets.get(img) ?? 0) + 1;
      gets.set(img, n);
      await hooks.afterGet?.(img, n);
      return result;
    },
    headManifest: hooks.head ?? ((img, o) => registry.headManifest(img, o)),
    async putManifest(img, bytes, mediaType, o) {
      puts += 1;
      const n = puts;
      await hooks.beforePut?.(n);
      const failure = hooks.putError?.(n);
      if (failure && !failure.landed) throw failure.error;
      const digest = await registry.putManifest(img, bytes, mediaType, o);
      await hooks.afterPut?.(n);
      if (failure) throw failure.error;
      return digest;
    },
  };
}

/** Another writer's push: the tag becomes `manifests`. */
function write(registry: InMemoryRegistryClient, manifests: ReturnType<typeof image>[]): void {
  registry.setManifest(DEST, list(manifests));
}

async function tag(registry: InMemoryRegistryClient): Promise<ManifestList> {
  return parseManifestList((await registry.getManifest(DEST)).bytes);
}

function setup(src: ManifestList, dest?: ManifestList, options = {}) {
  const registry = new InMemoryRegistryClient(options);
  registry.setManifest(SRC, src);
  if (dest) registry.setManifest(DEST, dest);
  return registry;
}

/** One merge into another tag of the same registry, so this process has measured it. */
async function warmUp(registry: InMemoryRegistryClient): Promise<void> {
  registry.setManifest(`${DEST}-warm`, list([image('s390x')]));
  await merger(registry, { destImage: `${DEST}-warm`, soleWriter: true }).mergeManifestLists();
}

function merger(client: RegistryClient, extra: Partial<ManifestListMergerOptions> = {}) {
  return new ManifestListMerger({
    srcImage: SRC,
    destImage: DEST,
    srcClient: client,
    destClient: client,
    settleTime: 5,
    referrers: false, // these tests count the write protocol's requests alone
    ...extra,
  });
}

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

describe('another writer that read the tag before our PUT landed', () => {
  it('pushes after our PUT, before our verification: we notice and put our platform back', async () => {
    const registry = setup(list([image('amd64')]), list([image('s390x')]));
    // B read [s390x] before our PUT and pushes [s390x, ppc64le] right after it lands.
    const client = scripted(registry, {
      afterPut: (n) => {
        if (n === 1) write(registry, [image('s390x'), image('ppc64le')]);
      },
    });
    const result = await merger(client).mergeManifestLists();
    expect(archs(await tag(registry)).sort()).toEqual(['amd64', 'ppc64le', 's390x']);
    expect(result.attempts).toBe(2);
    expect(result.verification?.restored).toEqual(['linux/amd64']);
    expect(registry.resolveTag(DEST)).toBe(result.digest);
  });

  it('put back an image we replaced: its old digest under our platform is stale, not newer', async () => {
    const oldAmd = image('amd64', 'amd64-old');
    const registry = setup(list([image('amd64', 'amd64-new')]), list([oldAmd, image('s390x')]));
    const client = scripted(registry, {
      afterPut: (n) => {
        if (n === 1) write(registry, [oldAmd, image('s390x'), image('riscv64')]);
      },
    });
    const result = await merger(client).mergeManifestLists();
    const final = await tag(registry);
    expect(final.manifests.find((e) => e.platform?.architecture === 'amd64')?.digest).toBe(
      image('amd64', 'amd64-new').digest,
    );
    expect(archs(final).sort()).toEqual(['amd64', 'riscv64', 's390x']);
    expect(result.attempts).toBe(2);
  });

  it('leaves our platform to a newer writer that replaced it with its own image', async () => {
    const registry = setup(list([image('amd64', 'ours')]), list([image('s390x')]));
    const client = scripted(registry, {
      afterPut: async (n) => {
        if (n !== 1) return;
        const now = await tag(registry);
        registry.setManifest(DEST, {
          ...now,
          manifests: [image('amd64', 'newer'), ...now.manifests.slice(1)],
        });
      },
    });
    const result = await merger(client).mergeManifestLists();
    expect(result.attempts).toBe(1);
    expect((await tag(registry)).manifests[0]?.digest).toBe(image('amd64', 'newer').digest);
  });

  it('fails with ConflictError naming the platform when it is overwritten every time', async () => {
    const registry = setup(list([image('amd64')]), list([image('s390x')]));
    const client = scripted(registry, { afterPut: () => write(registry, [image('s390x')]) });
    const error = await merger(client, { maxAttempts: 3 })
      .mergeManifestLists()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ reason: 'overwritten', attempts: 3, platforms: ['linux/amd64'] });
  });
});

describe('our PUT in flight for long', () => {
  it('watches the tag and puts back what another writer pushed meanwhile', async () => {
    const registry = setup(list([image('amd64')]), list([image('s390x')]));
    // While our PUT is held, B pushes [s390x, arm64] and is done; then our PUT lands over it.
    const client = scripted(registry, {
      beforePut: async (n) => {
        if (n !== 1) return;
        write(registry, [image('s390x'), image('arm64')]);
        await new Promise((r) => setTimeout(r, 60));
      },
    });
    const result = await merger(client).mergeManifestLists();
    expect(archs(await tag(registry)).sort()).toEqual(['amd64', 'arm64', 's390x']);
    expect(result.verification?.otherWriters).toBe(1);
    expect(result.verification?.restored).toEqual(['linux/arm64']);
    expect(result.verification?.polls).toBeGreaterThan(0);
  });

  it('puts back another writer’s OCI entry into our Docker list as an OCI index', async () => {
    const registry = setup(list([image('amd64')]), list([image('s390x')]));
    const ociArm = { ...image('arm64'), mediaType: OCI_IMAGE_MANIFEST };
    const client = scripted(registry, {
      beforePut: async (n) => {
        if (n !== 1) return;
        registry.setManifest(DEST, {
          schemaVersion: 2,
          mediaType: OCI_IMAGE_INDEX,
          manifests: [image('s390x'), ociArm],
        });
        await new Promise((r) => setTimeout(r, 60));
      },
    });
    const result = await merger(client).mergeManifestLists();
    const final = await tag(registry);
    expect(archs(final).sort()).toEqual(['amd64', 'arm64', 's390x']);
    expect(final.mediaType).toBe(OCI_IMAGE_INDEX); // a Docker list cannot name OCI manifests
    expect(result.verification?.restored).toEqual(['linux/arm64']);
  });

  it('fails with reason unverifiable when the other writer’s list cannot be read', async () => {
    const registry = setup(list([image('amd64')]), list([image('s390x')]));
    const lost = list([image('s390x'), image('mips64le')]);
    const client = scripted(registry, {
      beforePut: async (n) => {
        if (n !== 1) return;
        write(registry, lost.manifests);
        await new Promise((r) => setTimeout(r, 60));
      },
    });
    const unreadable: RegistryClient = {
      ...client,
      getManifest: async (img, o) => {
        if (img.includes('@')) throw new NotFoundError({ status: 404 });
        return client.getManifest(img, o);
      },
    };
    const error = await merger(unreadable)
      .mergeManifestLists()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFLICT', reason: 'unverifiable' });
  });
});

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

describe('a destination that cannot be read (select mode, push)', () => {
  const refused = () => new NotFoundError({ status: 401, pullGranted: false });

  function unreadableDest(registry: InMemoryRegistryClient, error: () => Error): RegistryClient {
    return {
      getManifest: async (img, o) => {
        if (img === DEST) throw error();
        return registry.getManifest(img, o);
      },
      putManifest: (...args) => registry.putManifest(...args),
    };
  }

  it('refuses to push over a tag it got 401 for, unless the token granted pull', async () => {
    const registry = setup(list([image('amd64')]), list([image('ppc64le'), image('s390x')]));
    const client = unreadableDest(registry, refused);
    const error = await merger(client)
      .mergeSelectedArchitectures(['amd64'], { push: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DestinationUnreadableError);
    expect(registry.calls.filter((c) => c.method === 'put')).toEqual([]);
    expect(archs(await tag(registry))).toEqual(['ppc64le', 's390x']);
  });

  it('treats it as absent when the caller vouches it is new (and says it cannot verify)', async () => {
    const registry = setup(list([image('amd64')]));
    const lines: string[] = [];
    const result = await merger(unreadableDest(registry, refused), {
      newDestination: true,
      logger: { warn: (m) => lines.push(m) },
    }).mergeSelectedArchitectures(['amd64'], { push: true });
    expect(result.outcome).toBe('pushed');
    expect(lines.some((l) => /not verified/.test(l))).toBe(true);
  });

  it('treats it as absent when the token granted pull (Quay: no such repository)', async () => {
    const registry = setup(list([image('amd64')]));
    const quay = () => new NotFoundError({ status: 401, pullGranted: true });
    const client = unreadableDest(registry, quay);
    const result = await merger(client, { soleWriter: true }).mergeSelectedArchitectures(
      ['amd64'],
      { push: true },
    );
    expect(result.outcome).toBe('pushed');
  });

  it('keeps pubtools-quay’s rule when only returning the list: 401 means absent', async () => {
    const registry = setup(list([image('amd64')]), list([image('s390x')]));
    const result = await merger(unreadableDest(registry, refused)).mergeSelectedArchitectures([
      'amd64',
    ]);
    expect(archs(result.manifestList)).toEqual(['amd64']);
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
