// Reading the tag back after a push (src/publish/verify.ts), over the in-memory client: each
// test scripts another writer's requests into the merge's own, in the orderings that lose
// platforms without it.
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, type RegistryClient } from '../../../src/index.js';
import { OCI_IMAGE_INDEX, OCI_IMAGE_MANIFEST } from '../../../src/manifest/media-types.js';
import { archs, image, list } from '../../support/fixtures.js';
import { DEST, merger, scripted, setup, tag, write } from '../../support/merges.js';

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
