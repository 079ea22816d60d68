// pushManifestList over the in-memory client: exact bytes, the checks before any request, the
// expectation, children, and other writers (scripted into the push's own requests).
import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  computeDigest,
  IncompatibleMediaTypeError,
  InMemoryRegistryClient,
  InvalidManifestListError,
  InvalidOptionError,
  type ManifestDescriptor,
  ManifestListMerger,
  type ManifestListMergerOptions,
  ManifestTooLargeError,
  MissingChildrenError,
  NetworkError,
  parseManifestList,
  type RegistryClient,
} from '../../../src/index.js';
import {
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  OCI_IMAGE_INDEX,
  OCI_IMAGE_MANIFEST,
} from '../../../src/manifest/media-types.js';
import { image, list } from '../../support/fixtures.js';

const SRC = 'registry.test/acme/app:build';
const DEST = 'registry.test/acme/app:1.0';
const BUILD = 'registry.test/build/app:amd64';

/** A list as a human or another tool writes it: indented, keys in their own order. */
function pretty(entries: ManifestDescriptor[], mediaType = DOCKER_MANIFEST_LIST): Uint8Array {
  const doc = { mediaType, schemaVersion: 2, manifests: entries };
  return new TextEncoder().encode(`${JSON.stringify(doc, null, 4)}\n`);
}

/**
 * An image manifest stored in the repository of `at` (the destination's by default): a child
 * the destination repository holds. Its list entry.
 */
function stored(
  registry: InMemoryRegistryClient,
  arch: string,
  at = DEST,
  label = arch,
): ManifestDescriptor {
  const bytes = JSON.stringify({ schemaVersion: 2, mediaType: DOCKER_MANIFEST, label, arch });
  const digest = registry.setManifest(`${at}-${label}`, bytes, DOCKER_MANIFEST);
  return {
    mediaType: DOCKER_MANIFEST,
    digest,
    size: bytes.length,
    platform: { os: 'linux', architecture: arch },
  };
}

function merger(client: RegistryClient, extra: Partial<ManifestListMergerOptions> = {}) {
  return new ManifestListMerger({
    srcImage: SRC,
    destImage: DEST,
    srcClient: client,
    destClient: client,
    settleTime: 5,
    ...extra,
  });
}

const puts = (r: InMemoryRegistryClient) => r.calls.filter((c) => c.method === 'put');
const writes = (r: InMemoryRegistryClient) =>
  r.calls.filter((c) => ['put', 'mountBlob', 'putBlob'].includes(c.method));

/** `registry`'s calls, with another writer's moves scripted in. */
function scripted(
  registry: InMemoryRegistryClient,
  hooks: {
    afterGet?: (image: string) => void;
    afterPut?: (n: number) => void;
    putError?: (n: number) => unknown;
  },
): RegistryClient {
  let n = 0;
  return {
    async getManifest(img, o) {
      const got = await registry.getManifest(img, o);
      hooks.afterGet?.(img);
      return got;
    },
    headManifest: (img, o) => registry.headManifest(img, o),
    async putManifest(img, bytes, mediaType, o) {
      n += 1;
      const error = hooks.putError?.(n);
      if (error) throw error;
      const digest = await registry.putManifest(img, bytes, mediaType, o);
      hooks.afterPut?.(n);
      return digest;
    },
  };
}

describe('pushManifestList: exact bytes', () => {
  it('pushes the given bytes byte for byte: the tag resolves to their sha256', async () => {
    const registry = new InMemoryRegistryClient();
    const before = registry.setManifest(DEST, list([image('s390x')]));
    const bytes = pretty([stored(registry, 'amd64'), image('s390x')]);
    const result = await merger(registry).pushManifestList(bytes);
    const digest = computeDigest(bytes);
    expect(result).toMatchObject({
      outcome: 'pushed',
      digest,
      mediaType: DOCKER_MANIFEST_LIST,
      unchanged: false,
      destinationDigest: before,
      attempts: 1,
      fromSource: ['linux/amd64', 'linux/s390x'],
      fromDestination: [],
    });
    expect(result.plan.added.map((e) => e.platform)).toEqual(['linux/amd64']);
    expect(result.plan.kept.map((e) => e.platform)).toEqual(['linux/s390x']);
    expect(registry.resolveTag(DEST)).toBe(digest);
    expect(Buffer.from((await registry.getManifest(DEST)).bytes)).toEqual(Buffer.from(bytes));
    expect(puts(registry)).toEqual([{ method: 'put', image: DEST, precondition: before }]);
    expect(result.verification).toMatchObject({ otherWriters: 0, restored: [] });
  });

  it('creates a new tag with If-None-Match: *; the destination digest is null', async () => {
    const registry = new InMemoryRegistryClient();
    const bytes = pretty([stored(registry, 'arm64')], OCI_IMAGE_INDEX);
    const result = await merger(registry).pushManifestList(bytes);
    expect(result).toMatchObject({ outcome: 'pushed', destinationDigest: null });
    expect(puts(registry)).toEqual([{ method: 'put', image: DEST, precondition: '*' }]);
  });

  it('a tag that already holds exactly these bytes is unchanged: nothing written (force writes)', async () => {
    const registry = new InMemoryRegistryClient();
    const bytes = pretty([image('amd64')]);
    registry.setManifest(DEST, bytes);
    const result = await merger(registry).pushManifestList(bytes);
    expect(result).toMatchObject({ outcome: 'unchanged', unchanged: true });
    expect(puts(registry)).toEqual([]);
    const forced = await merger(registry).pushManifestList(bytes, { force: true });
    expect(forced).toMatchObject({ outcome: 'pushed', unchanged: true });
    expect(puts(registry)).toHaveLength(1);
  });

  it('an equal list in other bytes is pushed: the signed digest is what the tag must hold', async () => {
    const registry = new InMemoryRegistryClient();
    registry.setManifest(DEST, list([stored(registry, 'amd64')])); // compact JSON of the same list
    const bytes = pretty([stored(registry, 'amd64')]);
    const result = await merger(registry).pushManifestList(bytes);
    expect(result.outcome).toBe('pushed');
    expect(registry.resolveTag(DEST)).toBe(computeDigest(bytes));
  });

  it('copies the bytes at once: a buffer changed during the push changes nothing', async () => {
    const registry = new InMemoryRegistryClient();
    const bytes = pretty([stored(registry, 'amd64')]);
    const digest = computeDigest(bytes);
    const pending = merger(registry).pushManifestList(bytes);
    bytes.fill(32);
    expect((await pending).digest).toBe(digest);
    expect(registry.resolveTag(DEST)).toBe(digest);
  });
});

describe('pushManifestList: refused before any request', () => {
  const enc = (text: string) => new TextEncoder().encode(text);
  const single = JSON.stringify({
    schemaVersion: 2,
    mediaType: DOCKER_MANIFEST,
    config: {
      mediaType: 'application/vnd.docker.container.image.v1+json',
      digest: computeDigest('c'),
      size: 1,
    },
    layers: [],
  });
  const ociChild = { ...image('amd64'), mediaType: OCI_IMAGE_MANIFEST };
  it.each<[string, () => Uint8Array, new (...a: never[]) => Error, Record<string, unknown>]>([
    [
      'not JSON',
      () => enc('{"schemaVersion": 2, '),
      InvalidManifestListError,
      { reason: 'invalid-json' },
    ],
    [
      'a single-image manifest',
      () => enc(single),
      InvalidManifestListError,
      { reason: 'not-a-list' },
    ],
    [
      'a list without a top-level mediaType',
      () => enc(JSON.stringify({ schemaVersion: 2, manifests: [image('amd64')] })),
      InvalidManifestListError,
      { reason: 'media-type', field: 'mediaType' },
    ],
    [
      'a Docker list naming an OCI manifest',
      () => pretty([ociChild]),
      IncompatibleMediaTypeError,
      { fields: ['manifests[0].mediaType'], exactBytes: true },
    ],
    [
      'more than 4 MiB',
      () => new Uint8Array(4 * 1024 * 1024 + 1).fill(32),
      ManifestTooLargeError,
      { limit: 4 * 1024 * 1024, size: 4 * 1024 * 1024 + 1 },
    ],
    [
      'a string, not bytes',
      () => '{}' as unknown as Uint8Array,
      InvalidOptionError,
      { option: 'bytes' },
    ],
  ])('%s', async (_, bytes, type, fields) => {
    const registry = new InMemoryRegistryClient();
    registry.setManifest(DEST, list([image('s390x')]));
    const error = await merger(registry)
      .pushManifestList(bytes())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject(fields);
    expect(registry.calls).toEqual([]);
  });

  it.each([['latest'], ['sha256:abc'], [''], [42]])(
    'expectDestinationDigest %j is an InvalidOptionError',
    async (expected) => {
      const registry = new InMemoryRegistryClient();
      const error = await merger(registry)
        .pushManifestList(pretty([image('amd64')]), {
          expectDestinationDigest: expected as string,
        })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        name: 'InvalidOptionError',
        option: 'expectDestinationDigest',
      });
      expect(registry.calls).toEqual([]);
    },
  );
});

describe('pushManifestList: expectDestinationDigest', () => {
  const other = computeDigest('another list');
  it.each<[string, boolean, (held: string) => string | null, boolean]>([
    ['the digest the tag holds', true, (held) => held, true],
    ['null, and the tag is absent', false, () => null, true],
    ['another digest', true, () => other, false],
    ['a digest, and the tag is absent', false, () => other, false],
    ['null, and the tag exists', true, () => null, false],
  ])('%s', async (_, exists, expectedOf, goes) => {
    const registry = new InMemoryRegistryClient();
    const s390x = stored(registry, 's390x');
    const held = exists ? registry.setManifest(DEST, list([s390x])) : undefined;
    const expected = expectedOf(held as string);
    const bytes = pretty([stored(registry, 'amd64'), s390x]);
    const pending = merger(registry).pushManifestList(bytes, { expectDestinationDigest: expected });
    if (goes) {
      expect((await pending).outcome).toBe('pushed');
      expect(registry.resolveTag(DEST)).toBe(computeDigest(bytes));
      return;
    }
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({
      reason: 'unexpected-digest',
      operation: 'push',
      expectedDigest: expected,
      actualDigest: held ?? null,
    });
    expect((error as Error).message).toMatch(/nothing was pushed: compute the list again/);
    expect(writes(registry)).toEqual([]);
    expect(registry.resolveTag(DEST)).toBe(held);
  });

  it('a dry run refuses it too, and writes nothing when it holds', async () => {
    const registry = new InMemoryRegistryClient();
    const held = registry.setManifest(DEST, list([image('s390x')]));
    const bytes = pretty([stored(registry, 'amd64'), image('s390x')]);
    const m = merger(registry);
    await expect(
      m.pushManifestList(bytes, { dryRun: true, expectDestinationDigest: other }),
    ).rejects.toMatchObject({ reason: 'unexpected-digest' });
    const plan = await m.pushManifestList(bytes, { dryRun: true, expectDestinationDigest: held });
    expect(plan).toMatchObject({ outcome: 'dry-run', digest: computeDigest(bytes) });
    expect(writes(registry)).toEqual([]);
  });

  it('a tag already holding these bytes is unchanged whatever was expected (a re-run)', async () => {
    const registry = new InMemoryRegistryClient();
    const bytes = pretty([image('amd64')]);
    registry.setManifest(DEST, bytes);
    const result = await merger(registry).pushManifestList(bytes, {
      expectDestinationDigest: other,
    });
    expect(result.outcome).toBe('unchanged');
  });

  it("the round trip: select's destinationDigest and bytes push to exactly its digest", async () => {
    const registry = new InMemoryRegistryClient();
    registry.setManifest(SRC, list([stored(registry, 'amd64', DEST, 'new-amd64'), image('arm64')]));
    const held = registry.setManifest(DEST, list([image('amd64', 'old-amd64'), image('s390x')]));
    const m = merger(registry);
    const computed = await m.mergeSelectedArchitectures(['amd64']);
    expect(computed).toMatchObject({ outcome: 'not-pushed', destinationDigest: held });
    const pushed = await m.pushManifestList(computed.bytes, {
      expectDestinationDigest: computed.destinationDigest,
    });
    expect(pushed).toMatchObject({ outcome: 'pushed', digest: computed.digest });
    expect(registry.resolveTag(DEST)).toBe(computed.digest);
  });
});

describe('pushManifestList: children', () => {
  /** An image (config + one layer) stored in BUILD's repository: its list entry. */
  function storeImage(registry: InMemoryRegistryClient, arch: string): ManifestDescriptor {
    const bytes = JSON.stringify({
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST,
      config: {
        mediaType: 'application/vnd.docker.container.image.v1+json',
        digest: registry.setBlob(BUILD, `${arch}-config`),
        size: 1,
      },
      layers: [
        {
          mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
          digest: registry.setBlob(BUILD, `${arch}-layer`),
          size: 1,
        },
      ],
    });
    const digest = registry.setManifest(`${BUILD}-${arch}`, bytes, DOCKER_MANIFEST);
    return {
      mediaType: DOCKER_MANIFEST,
      digest,
      size: bytes.length,
      platform: { os: 'linux', architecture: arch },
    };
  }

  it('copies children the destination repository lacks from the source, then pushes', async () => {
    const registry = new InMemoryRegistryClient();
    const child = storeImage(registry, 'amd64');
    const kept = image('s390x');
    registry.setManifest(DEST, list([kept]));
    const bytes = pretty([child, kept]);
    const result = await merger(registry, { srcImage: BUILD }).pushManifestList(bytes);
    expect(result).toMatchObject({ outcome: 'pushed', childrenToCopy: [child.digest] });
    expect(result.copy).toMatchObject({ manifests: [child.digest], mountedBlobs: 2 });
    expect(registry.holdsManifest(DEST, child.digest)).toBe(true);
    expect(puts(registry).map((c) => c.image)).toEqual([
      `registry.test/acme/app@${child.digest}`,
      DEST,
    ]);
  });

  it('a dry run names them and copies nothing', async () => {
    const registry = new InMemoryRegistryClient();
    const child = storeImage(registry, 'amd64');
    const result = await merger(registry, { srcImage: BUILD }).pushManifestList(pretty([child]), {
      dryRun: true,
    });
    expect(result).toMatchObject({ outcome: 'dry-run', childrenToCopy: [child.digest] });
    expect(writes(registry)).toEqual([]);
  });

  it.each<[string, Partial<ManifestListMergerOptions>, string]>([
    ['no other source (the destination is the source)', { srcImage: DEST }, 'no-source'],
    [
      'a source in the destination repository',
      { srcImage: 'registry.test/acme/app:x' },
      'no-source',
    ],
    ['copyChildren: false', { srcImage: BUILD, copyChildren: false }, 'copy-disabled'],
  ])(
    'missing children with %s: MissingChildrenError, nothing written',
    async (_, extra, reason) => {
      const registry = new InMemoryRegistryClient();
      const child = storeImage(registry, 'amd64');
      registry.setManifest(DEST, list([image('s390x')]));
      for (const dryRun of [true, false]) {
        const error = await merger(registry, extra)
          .pushManifestList(pretty([child]), { dryRun })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MissingChildrenError);
        expect(error).toMatchObject({ reason, digests: [child.digest] });
      }
      expect(writes(registry)).toEqual([]);
    },
  );

  it('checks children within one repository too: the bytes came from outside', async () => {
    const registry = new InMemoryRegistryClient();
    const present = registry.setManifest(
      'registry.test/acme/app:amd64-image',
      pretty([]),
      OCI_IMAGE_INDEX,
    );
    const entry = { ...image('amd64'), mediaType: OCI_IMAGE_INDEX, digest: present };
    const absent = image('arm64');
    const bytes = pretty([entry, absent], OCI_IMAGE_INDEX);
    await expect(
      merger(registry, { srcImage: DEST }).pushManifestList(bytes),
    ).rejects.toMatchObject({
      name: 'MissingChildrenError',
      digests: [absent.digest],
    });
  });
});

describe('pushManifestList: other writers', () => {
  // A registry host per test: the push's first read then always counts as cold, and is
  // checked again just before the PUT (the round trips of earlier tests do not carry over).
  let hostNo = 0;
  const fresh = () => {
    hostNo += 1;
    const host = `push-${hostNo}-${Math.random().toString(36).slice(2, 8)}.test`;
    return { src: `${host}/acme/app:build`, dest: `${host}/acme/app:1.0` };
  };

  it('a tag moved between the read and the PUT: ConflictError (moving), nothing of ours written', async () => {
    const { src, dest } = fresh();
    const registry = new InMemoryRegistryClient();
    registry.setManifest(dest, list([image('s390x')]));
    let moved = false;
    const client = scripted(registry, {
      afterGet: (img) => {
        if (img !== dest || moved) return;
        moved = true;
        registry.setManifest(dest, list([image('s390x'), image('ppc64le')]));
      },
    });
    const error = await merger(client, { srcImage: src, destImage: dest })
      .pushManifestList(pretty([stored(registry, 'amd64', dest), image('s390x')]))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ reason: 'moving', operation: 'push', attempts: 1 });
    expect(puts(registry)).toEqual([]);
    // The tag holds the other writer's list, untouched.
    const now = parseManifestList((await registry.getManifest(dest)).bytes);
    expect(now.manifests.map((e) => e.platform?.architecture)).toEqual(['s390x', 'ppc64le']);
  });

  it('a registry that honours If-Match answers 412: ConflictError (moving), never merged again', async () => {
    const { src, dest } = fresh();
    const registry = new InMemoryRegistryClient({ honourPreconditions: true });
    registry.setManifest(dest, list([image('s390x')]));
    const m = merger(registry, { srcImage: src, destImage: dest, soleWriter: true });
    const bytes = pretty([stored(registry, 'amd64', dest)]);
    // Another writer lands between the read and the PUT (soleWriter: no fresh read first).
    const client = scripted(registry, {
      afterGet: () => registry.setManifest(dest, list([image('ppc64le')])),
    });
    m.setClients(client, client);
    await expect(m.pushManifestList(bytes)).rejects.toMatchObject({
      name: 'ConflictError',
      reason: 'moving',
    });
    expect(puts(registry)).toHaveLength(1); // one PUT, refused; no second round
    expect(registry.resolveTag(dest)).not.toBe(computeDigest(bytes));
  });

  it('another writer overwrote the pushed list without its entries: ConflictError (overwritten)', async () => {
    const { src, dest } = fresh();
    const registry = new InMemoryRegistryClient();
    registry.setManifest(dest, list([image('s390x')]));
    const client = scripted(registry, {
      afterPut: () => registry.setManifest(dest, list([image('s390x'), image('ppc64le')])),
    });
    const error = await merger(client, { srcImage: src, destImage: dest })
      .pushManifestList(pretty([stored(registry, 'amd64', dest), image('s390x')]))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'ConflictError',
      reason: 'overwritten',
      operation: 'push',
      platforms: ['linux/amd64'],
    });
    expect(puts(registry)).toHaveLength(1); // never put back: the bytes are signed
  });

  it('another writer that merged on top of the pushed list (keeping its entries) is no conflict', async () => {
    const { src, dest } = fresh();
    const registry = new InMemoryRegistryClient();
    registry.setManifest(dest, list([image('s390x')]));
    const amd64 = stored(registry, 'amd64', dest);
    const client = scripted(registry, {
      afterPut: () => registry.setManifest(dest, list([amd64, image('s390x'), image('ppc64le')])),
    });
    const bytes = pretty([amd64, image('s390x')]);
    const result = await merger(client, { srcImage: src, destImage: dest }).pushManifestList(bytes);
    expect(result).toMatchObject({ outcome: 'pushed', digest: computeDigest(bytes) });
  });

  it('a failed PUT that did not land, on a tag that did not move, is tried again', async () => {
    const { src, dest } = fresh();
    const registry = new InMemoryRegistryClient();
    registry.setManifest(dest, list([image('s390x')]));
    const client = scripted(registry, {
      putError: (n) =>
        n === 1
          ? new NetworkError({ reference: dest, method: 'PUT', detail: 'ECONNRESET' })
          : undefined,
    });
    const bytes = pretty([stored(registry, 'amd64', dest)]);
    const result = await merger(client, { srcImage: src, destImage: dest }).pushManifestList(bytes);
    expect(result).toMatchObject({ outcome: 'pushed', attempts: 2 });
    expect(registry.resolveTag(dest)).toBe(computeDigest(bytes));
  });
});
