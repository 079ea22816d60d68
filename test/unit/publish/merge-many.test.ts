// mergeMany (src/publish/merge-many.ts), over the in-memory client: bounded concurrency,
// progress, failures, stopOnError, abort, dryRun and its options.
import { describe, expect, it } from 'vitest';
import {
  DestinationNotFoundError,
  InMemoryRegistryClient,
  InvalidOptionError,
  type MergeJob,
  type MergeProgress,
  mergeMany,
  parseManifestList,
} from '../../../src/index.js';
import { entry, list } from '../../support/fixtures.js';
import { counted } from '../../support/merges.js';

describe('mergeMany', () => {
  it('runs 200 jobs with bounded concurrency, reports progress, and one failure stops nothing', async () => {
    const registry = new InMemoryRegistryClient();
    const jobs: MergeJob[] = [];
    for (let i = 0; i < 200; i++) {
      const src = `registry.test/app${i}:build`;
      const dest = `registry.test/app${i}:1.0`;
      registry.setManifest(src, list([entry('amd64')]));
      if (i !== 57) registry.setManifest(dest, list([entry('s390x')])); // job 57 has no destination
      jobs.push(
        i % 2 === 0
          ? { srcImage: src, destImage: dest }
          : {
              mode: 'select',
              srcImage: src,
              destImage: dest,
              eligibleArchs: ['amd64'],
              push: true,
            },
      );
    }
    // Job 57 is a select job (odd): make it a merge job so its missing destination is an error.
    jobs[57] = { srcImage: 'registry.test/app57:build', destImage: 'registry.test/app57:1.0' };
    const stats = { inFlight: 0, max: 0 };
    const client = counted(registry, stats);
    const events: MergeProgress[] = [];
    const outcomes = await mergeMany(jobs, {
      srcClient: client,
      destClient: client,
      concurrency: 8,
      referrers: false, // in flight: the two sides' reads alone
      onProgress: (e) => events.push(e),
    });

    expect(outcomes).toHaveLength(200);
    expect(outcomes.map((o) => o.index)).toEqual(jobs.map((_, i) => i));
    const rejected = outcomes.filter((o) => o.status === 'rejected');
    expect(rejected.map((o) => o.index)).toEqual([57]);
    expect(rejected[0]?.status === 'rejected' && rejected[0].error).toBeInstanceOf(
      DestinationNotFoundError,
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(199);
    expect(stats.max).toBeLessThanOrEqual(16); // 8 jobs, each fetching two sides at once
    expect(stats.max).toBeGreaterThan(2);

    const settled = events.filter((e) => e.type === 'settled');
    expect(settled.map((e) => e.done)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(settled.every((e) => e.total === 200 && e.outcome?.index === e.index)).toBe(true);
    expect(events.filter((e) => e.type === 'start')).toHaveLength(200);

    const merged = parseManifestList((await registry.getManifest('registry.test/app3:1.0')).bytes);
    expect(merged.manifests.map((m) => m.platform?.architecture)).toEqual(['amd64', 's390x']);
  });

  it('with stopOnError skips what had not started', async () => {
    const registry = new InMemoryRegistryClient();
    const jobs: MergeJob[] = Array.from({ length: 20 }, (_, i) => ({
      srcImage: `registry.test/x${i}:a`,
      destImage: `registry.test/x${i}:b`,
    }));
    // Nothing exists: every job fails; the first failure stops the batch.
    const outcomes = await mergeMany(jobs, {
      srcClient: registry,
      destClient: registry,
      concurrency: 2,
      stopOnError: true,
    });
    expect(outcomes.filter((o) => o.status === 'rejected').length).toBeGreaterThanOrEqual(1);
    expect(outcomes.filter((o) => o.status === 'rejected').length).toBeLessThanOrEqual(2);
    expect(outcomes.filter((o) => o.status === 'skipped').length).toBeGreaterThanOrEqual(18);
  });

  it('an aborted signal skips every job', async () => {
    const registry = new InMemoryRegistryClient();
    const controller = new AbortController();
    controller.abort();
    const outcomes = await mergeMany(
      [{ srcImage: 'registry.test/a:1', destImage: 'registry.test/a:2' }],
      { srcClient: registry, destClient: registry, signal: controller.signal },
    );
    expect(outcomes.map((o) => o.status)).toEqual(['skipped']);
    expect(registry.calls).toEqual([]);
  });

  it('dryRun applies to every job', async () => {
    const registry = new InMemoryRegistryClient();
    registry.setManifest('registry.test/a:src', list([entry('amd64')]));
    registry.setManifest('registry.test/a:dest', list([entry('s390x')]));
    const [outcome] = await mergeMany(
      [{ srcImage: 'registry.test/a:src', destImage: 'registry.test/a:dest' }],
      { srcClient: registry, destClient: registry, dryRun: true },
    );
    expect(outcome?.status === 'fulfilled' && outcome.result.outcome).toBe('dry-run');
    expect(registry.calls.some((c) => c.method === 'put')).toBe(false);
  });
});

describe('mergeMany options', () => {
  it.each([Number.NaN, 0, -1, 2.5, Number.POSITIVE_INFINITY])(
    'refuses concurrency %s instead of skipping every job',
    async (concurrency) => {
      const registry = new InMemoryRegistryClient();
      await expect(
        mergeMany([{ srcImage: 'r.test/a:1', destImage: 'r.test/a:2' }], {
          srcClient: registry,
          destClient: registry,
          concurrency,
        }),
      ).rejects.toBeInstanceOf(InvalidOptionError);
    },
  );

  it('a job’s own input fields win over the batch’s: createDestination, allowEmpty', async () => {
    const registry = new InMemoryRegistryClient();
    registry.setManifest('registry.test/a:build', list([entry('amd64')]));
    registry.setManifest('registry.test/b:build', list([entry('amd64')]));
    const jobs: MergeJob[] = [
      { srcImage: 'registry.test/a:build', destImage: 'registry.test/a:new' },
      {
        srcImage: 'registry.test/b:build',
        destImage: 'registry.test/b:new',
        createDestination: false,
      },
      {
        mode: 'select',
        srcImage: 'registry.test/a:build',
        destImage: 'registry.test/a:sel',
        eligibleArchs: ['s390x'],
        allowEmpty: true,
      },
      {
        mode: 'select',
        srcImage: 'registry.test/a:build',
        destImage: 'registry.test/a:sel2',
        eligibleArchs: ['s390x'],
      },
    ];
    const outcomes = await mergeMany(jobs, {
      srcClient: registry,
      destClient: registry,
      createDestination: true,
      referrers: false,
    });
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
    ]);
    const [, refused, , nothing] = outcomes;
    expect(refused?.status === 'rejected' && refused.error).toBeInstanceOf(
      DestinationNotFoundError,
    );
    expect(nothing?.status === 'rejected' && (nothing.error as { code?: string }).code).toBe(
      'NOTHING_SELECTED',
    );
    const created = await registry.getManifest('registry.test/a:new');
    expect(parseManifestList(created.bytes).manifests.map((e) => e.platform?.architecture)).toEqual(
      ['amd64'],
    );
  });
});
