// The façade (src/publish/merger.ts), over the in-memory client: clients, both modes end to
// end (what is fetched, pushed and logged), aborts, and how references are resolved.
import { describe, expect, it, vi } from 'vitest';
import {
  ClientsNotSetError,
  computeDigest,
  DestinationNotFoundError,
  InvalidOptionError,
  type ManifestList,
  ManifestListMerger,
  type RegistryClient,
  UnknownPlatformError,
} from '../../../src/index.js';
import { InMemoryRegistryClient } from '../../../src/registry/in-memory-client.js';
import { entry, list } from '../../support/fixtures.js';
import { DEST, SRC } from '../../support/merges.js';

const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const DOCKER_IMAGE = 'application/vnd.docker.distribution.manifest.v2+json';

function setup(src: ManifestList | string, dest?: ManifestList) {
  const registry = new InMemoryRegistryClient();
  registry.setManifest(SRC, src);
  if (dest) registry.setManifest(DEST, dest);
  const merger = new ManifestListMerger({
    srcImage: SRC,
    destImage: DEST,
    srcClient: registry,
    destClient: registry,
  });
  return { registry, merger };
}

describe('ManifestListMerger clients', () => {
  it('refuses to merge without both clients, naming both', async () => {
    const merger = new ManifestListMerger({ srcImage: SRC, destImage: DEST });
    await expect(merger.mergeManifestLists()).rejects.toBeInstanceOf(ClientsNotSetError);
    await expect(merger.mergeSelectedArchitectures(['amd64'])).rejects.toThrow(
      /both the source and the destination/,
    );
    const half = new ManifestListMerger({
      srcImage: SRC,
      destImage: DEST,
      srcClient: new InMemoryRegistryClient(),
    });
    await expect(half.mergeManifestLists()).rejects.toBeInstanceOf(ClientsNotSetError);
  });

  it('works once setClients() provides them', async () => {
    const { registry } = setup(list([entry('amd64')]), list([entry('s390x')]));
    const merger = new ManifestListMerger({ srcImage: SRC, destImage: DEST });
    merger.setClients(registry, registry);
    const result = await merger.mergeManifestLists();
    expect(result.manifestList.manifests.map((m) => m.platform?.architecture)).toEqual([
      'amd64',
      's390x',
    ]);
  });
});

describe('mergeManifestLists (merge mode)', () => {
  it('fetches each side once, pushes once, and the tag then holds exactly the pushed bytes', async () => {
    const amd = entry('amd64');
    const s390 = entry('s390x');
    const ppc = entry('ppc64le');
    const oldAmd = entry('amd64', 'old-amd64');
    const { registry, merger } = setup(list([amd]), list([oldAmd, s390, ppc]));
    const before = registry.resolveTag(DEST);
    const result = await merger.mergeManifestLists();

    // Both sides once, then the verification read of the destination after the push (the
    // lookups of the old list's signatures aside).
    expect(
      registry.calls
        .filter((c) => c.method === 'get' && !c.image.includes(':sha256-'))
        .map((c) => c.image)
        .sort(),
    ).toEqual([DEST, DEST, SRC].sort());
    expect(registry.calls.filter((c) => c.method === 'put')).toEqual([
      { method: 'put', image: DEST, precondition: before },
    ]);
    expect(result.outcome).toBe('pushed');
    expect(result.manifestList.manifests).toEqual([amd, s390, ppc]);
    expect(result.fromSource).toEqual(['linux/amd64']);
    expect(result.fromDestination).toEqual(['linux/s390x', 'linux/ppc64le']);
    expect(result.mediaType).toBe(DOCKER_LIST);
    expect(result.digest).toBe(computeDigest(result.bytes));
    expect(registry.resolveTag(DEST)).toBe(result.digest);
    const stored = await registry.getManifest(DEST);
    expect(Buffer.from(stored.bytes).equals(Buffer.from(result.bytes))).toBe(true);
    expect(JSON.parse(new TextDecoder().decode(result.bytes))).toEqual(result.manifestList);
  });

  it('pushes the source bytes unchanged (digest kept) when the destination adds nothing', async () => {
    const amd = entry('amd64');
    const arm = entry('arm64');
    // Indented JSON: re-serialising would change the digest.
    const srcText = JSON.stringify(list([amd, arm]), null, 3);
    const { registry, merger } = setup(srcText, list([entry('arm64', 'old-arm')]));
    const result = await merger.mergeManifestLists();
    expect(result.digest).toBe(computeDigest(srcText));
    expect(new TextDecoder().decode(result.bytes)).toBe(srcText);
    expect(registry.resolveTag(DEST)).toBe(computeDigest(srcText));
    expect(result.fromDestination).toEqual([]);
  });

  it('emits deterministic compact JSON when the list changes', async () => {
    const a = setup(list([entry('amd64', 'a')]), list([entry('s390x', 's')]));
    const b = setup(list([entry('amd64', 'a')]), list([entry('s390x', 's')]));
    const [ra, rb] = [await a.merger.mergeManifestLists(), await b.merger.mergeManifestLists()];
    expect(ra.digest).toBe(rb.digest);
    const text = new TextDecoder().decode(ra.bytes);
    expect(text).not.toMatch(/\n|": /);
    expect(text.startsWith('{"schemaVersion":2,"mediaType":')).toBe(true);
  });

  it('fails with DestinationNotFoundError and pushes nothing when the destination is missing', async () => {
    const { registry, merger } = setup(list([entry('amd64')]));
    const error = await merger.mergeManifestLists().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DestinationNotFoundError);
    expect((error as DestinationNotFoundError).image).toBe(DEST);
    expect(registry.calls.some((c) => c.method === 'put')).toBe(false);
  });

  it('refuses a single-image source without a config, naming the side, and pushes nothing', async () => {
    const single = JSON.stringify({
      schemaVersion: 2,
      mediaType: DOCKER_IMAGE,
      config: {},
      layers: [],
    });
    const { registry, merger } = setup(single, list([entry('amd64')]));
    const error = await merger.mergeManifestLists().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownPlatformError);
    expect((error as UnknownPlatformError).reason).toBe('no-config');
    expect((error as Error).message).toContain(`source image '${SRC}'`);
    expect(registry.calls.some((c) => c.method === 'put')).toBe(false);
  });

  it.each(['architecture', 'platform'] as const)(
    "writes pubtools-quay's four log lines, word for word, with match: %s",
    async (match) => {
      const info = vi.fn();
      const { registry } = setup(list([entry('amd64')]), list([entry('s390x'), entry('ppc64le')]));
      const merger = new ManifestListMerger({
        srcImage: SRC,
        destImage: DEST,
        srcClient: registry,
        destClient: registry,
        logger: { info },
        match,
      });
      await merger.mergeManifestLists();
      expect(info.mock.calls.map((c) => c[0])).toEqual([
        `Merging manifest lists of images '${SRC}' and '${DEST}'`,
        'Architectures missing from the new image: s390x, ppc64le',
        `Uploading the new manifest list to '${DEST}'`,
        'Merging manifests lists: complete.',
      ]);
    },
  );

  it('names variants and other operating systems in the missing line (platform match)', async () => {
    const info = vi.fn();
    const armV6 = {
      ...entry('arm'),
      platform: { os: 'linux', architecture: 'arm', variant: 'v6' },
    };
    const win = { ...entry('amd64'), platform: { os: 'windows', architecture: 'amd64' } };
    const { registry } = setup(list([entry('amd64')]), list([armV6, win]));
    await new ManifestListMerger({
      srcImage: SRC,
      destImage: DEST,
      srcClient: registry,
      destClient: registry,
      logger: { info },
    }).mergeManifestLists();
    expect(info.mock.calls[1]?.[0]).toBe(
      'Architectures missing from the new image: arm/v6, windows/amd64',
    );
  });

  it('is silent by default', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(() => {}),
    );
    await setup(list([entry('amd64')]), list([entry('s390x')])).merger.mergeManifestLists();
    for (const spy of spies) {
      expect(spy).not.toHaveBeenCalled();
      spy.mockRestore();
    }
  });

  it('fetches both sides concurrently', async () => {
    const inner = setup(list([entry('amd64')]), list([entry('s390x')])).registry;
    let inFlight = 0;
    let maxInFlight = 0;
    const client: RegistryClient = {
      async getManifest(image, options) {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 10));
        inFlight--;
        return inner.getManifest(image, options);
      },
      putManifest: (image, bytes, mediaType, options) =>
        inner.putManifest(image, bytes, mediaType, options),
    };
    await new ManifestListMerger({
      srcImage: SRC,
      destImage: DEST,
      srcClient: client,
      destClient: client,
      referrers: false, // in flight: the two sides' reads alone
    }).mergeManifestLists();
    expect(maxInFlight).toBe(2);
  });

  it('aborts the other fetch when one side fails, and pushes nothing', async () => {
    let destSignal: AbortSignal | undefined;
    const put = vi.fn();
    const src: RegistryClient = {
      getManifest: async () => {
        throw Object.assign(new Error('boom'), { status: 500 });
      },
      putManifest: put,
    };
    const dest: RegistryClient = {
      getManifest: (_image, options) => {
        destSignal = options?.signal;
        return new Promise((_resolve, reject) => {
          options?.signal?.addEventListener('abort', () => reject(options.signal?.reason));
        });
      },
      putManifest: put,
    };
    const merger = new ManifestListMerger({
      srcImage: SRC,
      destImage: DEST,
      srcClient: src,
      destClient: dest,
    });
    await expect(merger.mergeManifestLists()).rejects.toThrow('boom');
    expect(destSignal?.aborted).toBe(true);
    expect(put).not.toHaveBeenCalled();
  });

  it('stops at once on an aborted signal', async () => {
    const { registry, merger } = setup(list([entry('amd64')]), list([entry('s390x')]));
    const controller = new AbortController();
    controller.abort(new Error('cancelled by caller'));
    await expect(merger.mergeManifestLists({ signal: controller.signal })).rejects.toThrow(
      'cancelled by caller',
    );
    expect(registry.calls.some((c) => c.method === 'put')).toBe(false);
  });
});

describe('mergeSelectedArchitectures (select mode)', () => {
  it('returns the list without pushing unless push: true', async () => {
    const amd = entry('amd64');
    const arm = entry('arm64');
    const oldAmd = entry('amd64', 'old');
    const s390 = entry('s390x');
    const { registry, merger } = setup(list([amd, arm]), list([oldAmd, s390]));
    const dry = await merger.mergeSelectedArchitectures(['amd64']);
    expect(dry.outcome).toBe('not-pushed');
    expect(dry.manifestList.manifests).toEqual([amd, s390]);
    expect(registry.calls.filter((c) => c.method === 'put')).toHaveLength(0);

    const pushed = await merger.mergeSelectedArchitectures(['amd64'], { push: true });
    expect(pushed.outcome).toBe('pushed');
    expect(pushed.digest).toBe(dry.digest);
    expect(registry.resolveTag(DEST)).toBe(pushed.digest);
    expect(pushed.fromSource).toEqual(['linux/amd64']);
    expect(pushed.fromDestination).toEqual(['linux/s390x']);
  });

  it.each([
    ['its own NotFoundError (404)', undefined],
    ['an axios-style 401', { response: { status: 401 } }],
    ['a plain status 404', { status: 404 }],
  ])('treats a destination that answers %s as absent', async (_name, shape) => {
    const inner = setup(list([entry('amd64'), entry('arm64')])).registry;
    const dest: RegistryClient = shape
      ? {
          getManifest: async () => {
            throw Object.assign(new Error('nope'), shape);
          },
          putManifest: (...args) => inner.putManifest(...args),
        }
      : inner;
    const merger = new ManifestListMerger({
      srcImage: SRC,
      destImage: DEST,
      srcClient: inner,
      destClient: dest,
    });
    const result = await merger.mergeSelectedArchitectures(['arm64']);
    expect(result.manifestList.manifests.map((m) => m.platform?.architecture)).toEqual(['arm64']);
  });

  it.each([
    ['a server error', { status: 500 }],
    ['an authentication failure carrying 401', { status: 401, isAuthenticationFailure: true }],
    ['a network error', { code: 'ECONNRESET' }],
  ])('propagates %s from the destination and pushes nothing', async (_name, shape) => {
    const inner = setup(list([entry('amd64')])).registry;
    const put = vi.fn();
    const dest: RegistryClient = {
      getManifest: async () => {
        throw Object.assign(new Error('destination failed'), shape);
      },
      putManifest: put,
    };
    const merger = new ManifestListMerger({
      srcImage: SRC,
      destImage: DEST,
      srcClient: inner,
      destClient: dest,
    });
    await expect(merger.mergeSelectedArchitectures(['amd64'], { push: true })).rejects.toThrow(
      'destination failed',
    );
    expect(put).not.toHaveBeenCalled();
  });

  it('propagates a missing source even in the select mode', async () => {
    const registry = new InMemoryRegistryClient();
    registry.setManifest(DEST, list([entry('amd64')]));
    const merger = new ManifestListMerger({
      srcImage: SRC,
      destImage: DEST,
      srcClient: registry,
      destClient: registry,
    });
    await expect(merger.mergeSelectedArchitectures(['amd64'])).rejects.toMatchObject({
      isNotFound: true,
    });
  });
});

describe('references', () => {
  it('refuses a destination given by digest', () => {
    expect(
      () =>
        new ManifestListMerger({
          srcImage: SRC,
          destImage: `registry.test/acme/app@${computeDigest('x')}`,
        }),
    ).toThrow(InvalidOptionError);
  });

  it('re-hosts references with srcHost and host, as pubtools-quay does', () => {
    const m = new ManifestListMerger({
      srcImage: 'quay.io/a/b:1',
      destImage: 'quay.io/a/c:2',
      srcHost: 'src.example:5000',
      host: 'dest.example',
    });
    expect([m.srcImage, m.destImage]).toEqual(['src.example:5000/a/b:1', 'dest.example/a/c:2']);
    const onlyHost = new ManifestListMerger({
      srcImage: 'quay.io/a/b:1',
      destImage: 'quay.io/a/c:2',
      host: 'mirror.example',
    });
    expect([onlyHost.srcImage, onlyHost.destImage]).toEqual([
      'mirror.example/a/b:1',
      'mirror.example/a/c:2',
    ]);
  });
});
