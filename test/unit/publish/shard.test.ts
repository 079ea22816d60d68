import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError, type MergeJob, shardJobs } from '../../../src/index.js';
import { tagKey } from '../../../src/manifest/reference.js';

/** Spellings of one tag: every one of them has the tag lock's key of the first. */
const SPELLINGS: readonly (readonly string[])[] = [
  ['quay.io/acme/app:1.0', 'QUAY.IO/acme/app:1.0', 'Quay.io/acme/app:1.0'],
  ['docker.io/library/nginx:1', 'nginx:1', 'index.docker.io/library/nginx:1', 'docker.io/nginx:1'],
  ['localhost:5000/app', 'LOCALHOST:5000/app:latest', 'localhost:5000/app:latest'],
  ['registry-1.docker.io/acme/x:2', 'docker.io/acme/x:2', 'acme/x:2'],
  ['quay.io/acme/app:1.1'],
  ['quay.io/acme/app:1.0-s390x'],
  ['ghcr.io/o/r:v1'],
  ['ghcr.io/o/r:V1'], // tags are case-sensitive: another tag
];

const jobArb = fc.record({
  tag: fc.nat({ max: SPELLINGS.length - 1 }),
  spelling: fc.nat({ max: 10 }),
  src: fc
    .string({ minLength: 1, maxLength: 6 })
    .map((s) => `quay.io/acme/src:${encodeURIComponent(s).replace(/%/g, '_')}`),
});

function jobsOf(specs: { tag: number; spelling: number; src: string }[]): MergeJob[] {
  return specs.map(({ tag, spelling, src }) => {
    const spellings = SPELLINGS[tag] as readonly string[];
    return { srcImage: src, destImage: spellings[spelling % spellings.length] as string };
  });
}

describe('shardJobs', () => {
  it('the spellings of each tag really are one tag lock key (the premise of the tests)', () => {
    for (const spellings of SPELLINGS) {
      expect(new Set(spellings.map((s) => tagKey(s))).size).toBe(1);
    }
    expect(tagKey('ghcr.io/o/r:v1')).not.toBe(tagKey('ghcr.io/o/r:V1'));
  });

  it('property: N shards together hold every job exactly once, in order, and one tag is in one shard', () => {
    fc.assert(
      fc.property(
        fc.array(jobArb, { maxLength: 40 }),
        fc.integer({ min: 1, max: 12 }),
        (specs, count) => {
          const jobs = jobsOf(specs);
          const shards = Array.from({ length: count }, (_, i) =>
            shardJobs(jobs, { index: i + 1, count }),
          );
          // Every job exactly once (by identity), each shard in the jobs' own order.
          const seen = shards.flat();
          expect(seen).toHaveLength(jobs.length);
          expect(new Set(seen).size).toBe(jobs.length);
          for (const shard of shards) {
            const positions = shard.map((job) => jobs.indexOf(job));
            expect(positions).toEqual([...positions].sort((a, b) => a - b));
          }
          // No two shards write one tag.
          const shardOfKey = new Map<string, number>();
          shards.forEach((shard, i) => {
            for (const job of shard) {
              const key = tagKey(job.destImage);
              expect(shardOfKey.get(key) ?? i).toBe(i);
              shardOfKey.set(key, i);
            }
          });
        },
      ),
    );
  });

  it('is stable: the shard depends on the tag alone, not on the other jobs or their order', () => {
    fc.assert(
      fc.property(
        fc.array(jobArb, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 9 }),
        (specs, count) => {
          const jobs = jobsOf(specs);
          const reversed = [...jobs].reverse();
          for (let index = 1; index <= count; index++) {
            const a = new Set(shardJobs(jobs, { index, count }));
            const b = new Set(shardJobs(reversed, { index, count }));
            expect(b).toEqual(a);
            for (const job of jobs) {
              expect(shardJobs([job], { index, count }).length).toBe(a.has(job) ? 1 : 0);
            }
          }
        },
      ),
    );
  });

  it('pins the hash: sha256 of the tag lock key, modulo N (other machines and versions agree)', () => {
    // Computed apart from the code: Python's hashlib, the first 6 bytes big-endian, mod 7.
    const shardOf = (dest: string, count: number) =>
      [...Array(count).keys()].find(
        (i) => shardJobs([{ destImage: dest }], { index: i + 1, count }).length === 1,
      );
    const pinned = [
      'quay.io/acme/app:1.0', // sha256 cd4b18b22595…
      'nginx:1', // key docker.io/library/nginx:1, sha256 7f9d479148d5…
      'ghcr.io/o/r:v1', // 0a7de32cc9c1…
      'quay.io/acme/app:1.1', // 089de16599df…
      'LOCALHOST:5000/app', // key localhost:5000/app:latest, ee5a8f9657d6…
    ].map((dest) => (shardOf(dest, 7) as number) + 1);
    expect(pinned).toEqual([2, 2, 6, 3, 1]);
  });

  it('takes the keys of re-hosted references with `host`, as mergeMany re-hosts them', () => {
    const jobs = [{ destImage: 'old.example/acme/app:1' }, { destImage: 'quay.io/acme/app:1' }];
    for (let count = 2; count <= 8; count++) {
      const together = Array.from({ length: count }, (_, i) =>
        shardJobs(jobs, { index: i + 1, count, host: 'quay.io' }),
      ).filter((s) => s.length > 0);
      expect(together).toHaveLength(1);
    }
  });

  it.each([
    [{ index: 0, count: 3 }, 'shard.index'],
    [{ index: 4, count: 3 }, 'shard.index'],
    [{ index: 1.5, count: 3 }, 'shard.index'],
    [{ index: 1, count: 0 }, 'shard.count'],
    [{ index: 1, count: Number.NaN }, 'shard.count'],
    [{ index: 1, count: 100_001 }, 'shard.count'],
    [{ count: 3 } as unknown as { index: number; count: number }, 'shard.index'],
    [{ index: 1 } as unknown as { index: number; count: number }, 'shard.count'],
  ])('refuses %o with an InvalidOptionError naming %s', (shard, option) => {
    expect(() => shardJobs([{ destImage: 'quay.io/a/b:1' }], shard)).toThrow(
      expect.objectContaining({ name: 'InvalidOptionError', option }),
    );
    expect(() => shardJobs([], shard)).toThrow(InvalidOptionError);
  });
});
