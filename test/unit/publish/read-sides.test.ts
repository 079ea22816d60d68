// Reading both sides (src/publish/read-sides.ts), over the in-memory client: a destination
// that cannot be read (select mode, push), and a source list nested too deep to parse.
import { describe, expect, it } from 'vitest';
import {
  DestinationUnreadableError,
  InMemoryRegistryClient,
  InvalidManifestListError,
  NotFoundError,
  type RegistryClient,
} from '../../../src/index.js';
import { OCI_IMAGE_INDEX } from '../../../src/manifest/media-types.js';
import { archs, image, list } from '../../support/fixtures.js';
import {
  BUILD,
  DEST,
  lists,
  merge,
  merger,
  setup,
  storeImage,
  tag,
  writes,
} from '../../support/merges.js';

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

describe('source lists nested too deep', () => {
  it('a 200k-deep array in an unknown field is an InvalidManifestListError, not a RangeError', async () => {
    const registry = new InMemoryRegistryClient();
    const image = storeImage(registry, 'x');
    lists(registry, image); // the destination; the source is replaced below
    const entry = JSON.stringify({ ...image, platform: { os: 'linux', architecture: 's390x' } });
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    registry.setManifest(
      BUILD,
      `{"schemaVersion":2,"mediaType":"${OCI_IMAGE_INDEX}","manifests":[${entry}],"x-deep":${deep}}`,
    );
    const error = await merge(registry).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidManifestListError);
    expect(error).toMatchObject({ reason: 'too-deep' });
    expect(writes(registry)).toEqual([]);
  });
});
