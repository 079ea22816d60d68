import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contributionsOf,
  lostContributions,
  restoreContributions,
} from '../../../src/merge/contributions.js';
import { attestation, digests, image, list } from '../../support/fixtures.js';

const ARCHS = ['amd64', 'arm64', 's390x', 'ppc64le', 'riscv64', '386'];

describe('contributions', () => {
  it('are the entries a push added or replaced, from its source only', () => {
    const base = list([image('amd64', 'a-old'), image('s390x')]);
    const src = list([image('amd64', 'a-new'), image('arm64')]);
    const pushed = list([image('amd64', 'a-new'), image('arm64'), image('s390x')]);
    const mine = contributionsOf(pushed, { base, from: src });
    expect(mine.map((c) => c.platform)).toEqual(['linux/amd64', 'linux/arm64']);
    expect([...(mine[0]?.stale ?? [])]).toEqual([image('amd64', 'a-old').digest]);
  });

  it('an attestation dropped from the tag makes its image lost; restoring brings both back', () => {
    const img = image('amd64', 'mine');
    const att = attestation(img.digest, 'att');
    const pushed = list([img, att]);
    const [mine] = contributionsOf(pushed);
    expect(lostContributions(list([img]), mine ? [mine] : [])).toHaveLength(1);
    expect(digests(restoreContributions(list([img]), mine ? [mine] : []))).toEqual([
      img.digest,
      att.digest,
    ]);
  });

  it('property: restoring what is lost leaves nothing lost, and touches no other entry', () => {
    const kinds = fc.constantFrom('keep', 'drop', 'stale', 'newer');
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...ARCHS), { minLength: 1, maxLength: 6 }),
        fc.uniqueArray(fc.constantFrom(...ARCHS), { minLength: 1, maxLength: 6 }),
        fc.array(kinds, { minLength: 6, maxLength: 6 }),
        (inBase, inSource, fate) => {
          const base = list(inBase.map((a) => image(a, `${a}-base`)));
          const src = list(inSource.map((a) => image(a, `${a}-src`)));
          const pushed = list([
            ...src.manifests,
            ...base.manifests.filter((e) => !inSource.includes(e.platform?.architecture ?? '')),
          ]);
          const mine = contributionsOf(pushed, { base, from: src });
          // What other writers then made of the tag, entry by entry.
          const current = list(
            pushed.manifests.flatMap((e, i) => {
              const arch = e.platform?.architecture as string;
              switch (fate[i % fate.length]) {
                case 'drop':
                  return [];
                case 'stale':
                  return inBase.includes(arch) ? [image(arch, `${arch}-base`)] : [];
                case 'newer':
                  return [image(arch, `${arch}-newer`)];
                default:
                  return [e];
              }
            }),
          );
          const lost = lostContributions(current, mine);
          const repaired = restoreContributions(current, lost);
          expect(lostContributions(repaired, mine)).toEqual([]);
          const lostKeys = new Set(lost.map((c) => c.platform));
          for (const e of current.manifests) {
            if (lostKeys.has(`linux/${e.platform?.architecture}`)) continue;
            expect(digests(repaired)).toContain(e.digest);
          }
          // A newer writer's own image for one of our platforms is never taken back.
          for (const e of current.manifests) {
            if (
              e.digest ===
              image(e.platform?.architecture as string, `${e.platform?.architecture}-newer`).digest
            )
              expect(digests(repaired)).toContain(e.digest);
          }
        },
      ),
    );
  });
});
