// Safe publishing against a real registry: children copied (mount / stream), no-op merges,
// dry runs, concurrent writers, bulk merges. Requests are seen through the fault proxy's log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HttpRegistryClient,
  ManifestListMerger,
  type MergeJob,
  MissingChildrenError,
  mergeMany,
  type RegistryClient,
} from '../../../src/index.js';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy.js';
import {
  getManifest,
  listAt,
  manifestExists,
  pushList,
  putManifest,
} from '../../support/images.js';
import { startAnonymousRegistry, type TestRegistry, uniqueRepo } from '../../support/registry.js';

let reg: TestRegistry;
let other: TestRegistry;
let proxy: FaultProxy;
beforeAll(async () => {
  [reg, other] = await Promise.all([startAnonymousRegistry(), startAnonymousRegistry()]);
  proxy = await startFaultProxy(reg);
});
afterAll(async () => {
  await proxy?.stop();
  await Promise.all([reg?.stop(), other?.stop()]);
});

const client = () => new HttpRegistryClient();
const writes = () =>
  proxy.log.filter(
    (e) =>
      e.method === 'PUT' || e.method === 'POST' || e.method === 'PATCH' || e.method === 'DELETE',
  );

describe('children', () => {
  it('copies missing children across repositories by mount, then pushes the list', async () => {
    const buildRepo = uniqueRepo('build');
    const releaseRepo = uniqueRepo('release');
    const src = await pushList(reg, buildRepo, 's390x', { platforms: ['linux/s390x'] });
    await pushList(reg, releaseRepo, '1.0', { platforms: ['linux/amd64'] });
    proxy.clearLog();
    const c = client();
    const result = await new ManifestListMerger({
      srcImage: `${proxy.host}/${buildRepo}:s390x`,
      destImage: `${proxy.host}/${releaseRepo}:1.0`,
      srcClient: c,
      destClient: c,
    }).mergeManifestLists();
    expect(result.childrenToCopy).toEqual([src.images[0]?.digest]);
    expect(result.copy?.mountedBlobs).toBe(2); // config + one layer
    const mounts = proxy.log.filter((e) => e.method === 'POST' && e.query.includes('mount='));
    expect(mounts).toHaveLength(2);
    expect(
      mounts.every(
        (e) =>
          (e.status === 201 && e.query.includes(`from=${encodeURIComponent(buildRepo)}`)) ||
          e.query.includes(`from=${buildRepo}`),
      ),
    ).toBe(true);
    expect(await manifestExists(reg, releaseRepo, src.images[0]?.digest ?? '')).toBe(true);
    expect(await listAt(reg, releaseRepo, '1.0')).toEqual({
      digest: result.digest,
      archs: ['s390x', 'amd64'],
    });
  });

  it('streams children across registries with two clients', async () => {
    const repo = uniqueRepo('x');
    const src = await pushList(reg, repo, 'build', {
      platforms: ['linux/arm64', 'linux/ppc64le'],
      format: 'oci',
    });
    await pushList(other, repo, 'release', { platforms: ['linux/amd64'], format: 'oci' });
    const result = await new ManifestListMerger({
      srcImage: `${reg.host}/${repo}:build`,
      destImage: `${other.host}/${repo}:release`,
      srcClient: client(),
      destClient: client(),
    }).mergeManifestLists();
    expect(result.copy).toMatchObject({ mountedBlobs: 0, uploadedBlobs: 4 });
    expect(result.copy?.manifests.sort()).toEqual(src.images.map((i) => i.digest).sort());
    expect(await listAt(other, repo, 'release')).toEqual({
      digest: result.digest,
      archs: ['arm64', 'ppc64le', 'amd64'],
    });
  });

  it('with copyChildren: false lists every missing digest and pushes nothing', async () => {
    const buildRepo = uniqueRepo('build');
    const releaseRepo = uniqueRepo('release');
    const src = await pushList(reg, buildRepo, 'b', { platforms: ['linux/s390x', 'linux/arm64'] });
    const before = await pushList(reg, releaseRepo, '1.0', { platforms: ['linux/amd64'] });
    proxy.clearLog();
    const c = client();
    const error = await new ManifestListMerger({
      srcImage: `${proxy.host}/${buildRepo}:b`,
      destImage: `${proxy.host}/${releaseRepo}:1.0`,
      srcClient: c,
      destClient: c,
      copyChildren: false,
    })
      .mergeManifestLists()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingChildrenError);
    expect((error as MissingChildrenError).digests).toEqual(src.images.map((i) => i.digest));
    expect(writes()).toEqual([]);
    expect((await listAt(reg, releaseRepo, '1.0')).digest).toBe(before.digest);
  });

  it('without the check, the registry itself refuses such a list (the failure the check prevents)', async () => {
    const buildRepo = uniqueRepo('build');
    const releaseRepo = uniqueRepo('release');
    const src = await pushList(reg, buildRepo, 'b', { platforms: ['linux/s390x'] });
    const answer = await putManifest(reg, releaseRepo, '1.0', src.bytes, src.mediaType);
    expect(answer.status).toBe(400);
    expect(answer.errors.map((e) => e.code)).toContain('MANIFEST_BLOB_UNKNOWN');
  });
});

describe('no-op and dry run', () => {
  it('an unchanged merge makes no PUT and keeps the digest', async () => {
    const repo = uniqueRepo('noop');
    await pushList(reg, repo, 'build', { platforms: ['linux/amd64'] });
    const c = client();
    const merger = new ManifestListMerger({
      srcImage: `${proxy.host}/${repo}:build`,
      destImage: `${proxy.host}/${repo}:release`,
      srcClient: c,
      destClient: c,
    });
    await pushList(reg, repo, 'release', { platforms: ['linux/s390x'] });
    const first = await merger.mergeManifestLists();
    proxy.clearLog();
    const second = await merger.mergeManifestLists();
    expect(second).toMatchObject({ outcome: 'unchanged', unchanged: true, digest: first.digest });
    expect(proxy.log.map((e) => e.method)).toEqual(['GET', 'GET']);
    const forced = await merger.mergeManifestLists({ force: true });
    expect(forced.outcome).toBe('pushed');
    expect(proxy.log.filter((e) => e.method === 'PUT')).toHaveLength(1);
  });

  it('a dry run reads and writes nothing, and plans exactly what the real merge pushes', async () => {
    const buildRepo = uniqueRepo('build');
    const releaseRepo = uniqueRepo('release');
    const src = await pushList(reg, buildRepo, 'b', { platforms: ['linux/s390x'] });
    const before = await pushList(reg, releaseRepo, '1.0', {
      platforms: ['linux/amd64', 'linux/s390x'],
    });
    const c = client();
    const merger = new ManifestListMerger({
      srcImage: `${proxy.host}/${buildRepo}:b`,
      destImage: `${proxy.host}/${releaseRepo}:1.0`,
      srcClient: c,
      destClient: c,
    });
    proxy.clearLog();
    const plan = await merger.mergeManifestLists({ dryRun: true });
    expect(writes()).toEqual([]);
    expect(proxy.log.every((e) => e.method === 'GET' || e.method === 'HEAD')).toBe(true);
    expect(plan.childrenToCopy).toEqual([src.images[0]?.digest]);
    expect(plan.plan.replaced).toEqual([
      expect.objectContaining({
        platform: 'linux/s390x',
        previousDigest: before.images[1]?.digest,
      }),
    ]);
    expect((await listAt(reg, releaseRepo, '1.0')).digest).toBe(before.digest);
    const real = await merger.mergeManifestLists();
    expect(real.digest).toBe(plan.digest);
  });
});

describe('concurrent writers of one tag', () => {
  it('32 concurrent merges in one process, each adding a distinct platform: all 32 present', async () => {
    const repo = uniqueRepo('many');
    await pushList(reg, repo, 'release', { platforms: ['linux/amd64'] });
    const archs = Array.from({ length: 32 }, (_, i) => `arch${i}`);
    await Promise.all(
      archs.map((a) => pushList(reg, repo, `build-${a}`, { platforms: [`linux/${a}`] })),
    );
    const c = client();
    const results = await Promise.all(
      archs.map((a) =>
        new ManifestListMerger({
          srcImage: `${reg.host}/${repo}:build-${a}`,
          destImage: `${reg.host}/${repo}:release`,
          srcClient: c,
          destClient: c,
        }).mergeManifestLists(),
      ),
    );
    const final = await listAt(reg, repo, 'release');
    expect([...final.archs].sort()).toEqual(['amd64', ...archs].sort());
    expect(results.every((r) => r.outcome === 'pushed')).toBe(true);
  });

  it('a writer that merged and verified while our merge was slow is not overwritten', async () => {
    const repo = uniqueRepo('race');
    await pushList(reg, repo, 'release', { platforms: ['linux/amd64'] });
    await pushList(reg, repo, 'ours', { platforms: ['linux/s390x'] });
    await pushList(reg, repo, 'theirs', { platforms: ['linux/ppc64le'] });
    const proxy = await startFaultProxy(reg);
    try {
      let intruded = false;
      const ours = new HttpRegistryClient();
      // Between our read of the tag and our PUT, another writer (through another name of the
      // registry, so this process's tag lock does not order us) merges, pushes and verifies.
      const slow: RegistryClient = {
        getManifest: async (image, o) => {
          const fetched = await ours.getManifest(image, o);
          if (!intruded && image.endsWith(':release')) {
            intruded = true;
            const other = await new ManifestListMerger({
              srcImage: `${proxy.host}/${repo}:theirs`,
              destImage: `${proxy.host}/${repo}:release`,
              srcClient: new HttpRegistryClient(),
              destClient: new HttpRegistryClient(),
            }).mergeManifestLists();
            expect(other.outcome).toBe('pushed');
          }
          return fetched;
        },
        headManifest: (image, o) => ours.headManifest(image, o),
        putManifest: (image, bytes, mediaType, o) => ours.putManifest(image, bytes, mediaType, o),
      };
      const result = await new ManifestListMerger({
        srcImage: `${reg.host}/${repo}:ours`,
        destImage: `${reg.host}/${repo}:release`,
        srcClient: ours,
        destClient: slow,
      }).mergeManifestLists();
      expect(intruded).toBe(true);
      // Our read was old by the time of our PUT: it was checked again, and the merge redone.
      expect(result.attempts).toBe(2);
      const final = await listAt(reg, repo, 'release');
      expect(final.digest).toBe(result.digest);
      expect([...final.archs].sort()).toEqual(['amd64', 'ppc64le', 's390x']);
    } finally {
      await proxy.stop();
    }
  });
});

describe('mergeMany on a real registry', () => {
  it('200 jobs at concurrency 8: progress, a result per job, one failure stops nothing', async () => {
    const repo = uniqueRepo('bulk');
    await pushList(reg, repo, 'src', { platforms: ['linux/s390x'] });
    const jobs: MergeJob[] = [];
    const seeds: Promise<unknown>[] = [];
    for (let i = 0; i < 200; i++) {
      if (i !== 99) seeds.push(pushList(reg, repo, `dest-${i}`, { platforms: ['linux/amd64'] }));
      jobs.push({
        srcImage: `${reg.host}/${repo}:src`,
        destImage: `${reg.host}/${repo}:dest-${i}`,
      });
    }
    await Promise.all(seeds);
    const settled: number[] = [];
    let running = 0;
    let maxRunning = 0;
    const c = client();
    const outcomes = await mergeMany(jobs, {
      srcClient: c,
      destClient: c,
      concurrency: 8,
      onProgress: (e) => {
        if (e.type === 'start') maxRunning = Math.max(maxRunning, ++running);
        else {
          running--;
          settled.push(e.done);
          expect(e.outcome?.index).toBe(e.index);
        }
      },
    });
    expect(settled).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(maxRunning).toBe(8);
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => o.index)).toEqual([99]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(199);
    expect((await listAt(reg, repo, 'dest-150')).archs).toEqual(['s390x', 'amd64']);
  });
});

describe('two robots on one token registry', () => {
  it('copies children by streaming when the destination robot may not read the source repository', async () => {
    const { startTokenRegistry } = await import('../../support/registry.js');
    const { defaultPolicy } = await import('../../support/token-issuer.js');
    const tokenReg = await startTokenRegistry({
      users: { alice: 'alice-pw', carol: 'carol-pw' },
      // carol (the release robot) may pull and push rel/* only; alice (the build robot) all.
      policy: (subject, resource, requested) =>
        subject === 'carol'
          ? resource.name.startsWith('rel/')
            ? requested.filter((a) => a === 'pull' || a === 'push')
            : []
          : defaultPolicy(subject, resource, requested),
    });
    try {
      const build = `build/${uniqueRepo('b').split('/')[1]}`;
      const rel = `rel/${uniqueRepo('r').split('/')[1]}`;
      const src = await pushList(tokenReg, build, 'b', { platforms: ['linux/s390x'] });
      await pushList(tokenReg, rel, '1.0', { platforms: ['linux/amd64'] });
      const result = await new ManifestListMerger({
        srcImage: `${tokenReg.host}/${build}:b`,
        destImage: `${tokenReg.host}/${rel}:1.0`,
        srcClient: new HttpRegistryClient({ username: 'alice', password: 'alice-pw' }),
        destClient: new HttpRegistryClient({ username: 'carol', password: 'carol-pw' }),
      }).mergeManifestLists();
      expect(result.copy).toMatchObject({
        manifests: [src.images[0]?.digest],
        mountedBlobs: 0,
        uploadedBlobs: 2,
      });
      const after = await getManifest(tokenReg, rel, '1.0');
      expect(after.digest).toBe(result.digest);
    } finally {
      await tokenReg.stop();
    }
  });
});

describe('mergeMany with seed-style credentials', () => {
  it('builds one client per side for the batch: tokens are fetched once per scope', async () => {
    const { startTokenRegistry } = await import('../../support/registry.js');
    const tokenReg = await startTokenRegistry();
    try {
      const repo = uniqueRepo('seedbulk');
      await pushList(tokenReg, repo, 'src', { platforms: ['linux/s390x'] });
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          pushList(tokenReg, repo, `dest-${i}`, { platforms: ['linux/amd64'] }),
        ),
      );
      tokenReg.issuer.resetCounts();
      const outcomes = await mergeMany(
        Array.from({ length: 10 }, (_, i) => ({
          srcImage: `${tokenReg.host}/${repo}:src`,
          destImage: `${tokenReg.host}/${repo}:dest-${i}`,
        })),
        {
          srcUsername: tokenReg.username,
          srcPassword: tokenReg.password,
          destUsername: tokenReg.username,
          destPassword: tokenReg.password,
          concurrency: 1,
        },
      );
      expect(outcomes.every((o) => o.status === 'fulfilled')).toBe(true);
      // A pull token, then a pull,push token for the repository: not two per job.
      expect(tokenReg.issuer.counts.total).toBeLessThanOrEqual(2);
    } finally {
      await tokenReg.stop();
    }
  });
});
