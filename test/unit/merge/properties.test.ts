// Property tests of the merge invariants over realistic lists: variants, Windows builds,
// aliases, attestations and platform-less artifacts; keys unique within a list.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DOCKER_MANIFEST, OCI_IMAGE_INDEX } from '../../../src/manifest/media-types.js';
import { entryKey, type MatchMode, platformKey } from '../../../src/manifest/platform.js';
import { computeDigest } from '../../../src/manifest/serialize.js';
import type { ManifestDescriptor, ManifestList, Platform } from '../../../src/manifest/types.js';
import { entryKind } from '../../../src/merge/entries.js';
import { listsEqual } from '../../../src/merge/equality.js';
import { addMissingArchitectures, getMissingArchitectures } from '../../../src/merge/merge-mode.js';
import { describeMerge } from '../../../src/merge/plan.js';
import { selectArchitectures } from '../../../src/merge/select-mode.js';
import { artifact, attestation, deepFreeze, sharesNothing } from '../../support/fixtures.js';

const PLATFORMS: Platform[] = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'x86_64' },
  { os: 'linux', architecture: 'amd64', variant: 'v3' },
  { os: 'linux', architecture: 'arm64' },
  { os: 'linux', architecture: 'aarch64' },
  { os: 'linux', architecture: 'arm64', variant: 'v8' },
  { os: 'linux', architecture: 'arm', variant: 'v6' },
  { os: 'linux', architecture: 'arm', variant: 'v7' },
  { os: 'linux', architecture: 'arm' },
  { os: 'linux', architecture: 's390x' },
  { os: 'linux', architecture: 'ppc64le' },
  { os: 'linux', architecture: '386' },
  { os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763.1879' },
  { os: 'windows', architecture: 'amd64', 'os.version': '10.0.20348.169' },
  { os: 'windows', architecture: 'arm64', 'os.version': '10.0.20348.169' },
];
const SIMPLE: Platform[] = ['amd64', 'arm64', 's390x', 'ppc64le', '386', 'riscv64'].map(
  (architecture) => ({ os: 'linux', architecture }),
);
/** One Windows build (10.0.17763), several revisions: the modes agree on it too. */
const ONE_WINDOWS_BUILD: Platform[] = [
  { os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763.1879' },
  { os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763.2000' },
  { os: 'windows', architecture: 'arm64', 'os.version': '10.0.17763.1879' },
];
const ELIGIBLE = [
  'amd64',
  'x86_64',
  'arm64',
  'aarch64',
  'arm',
  'arm/v6',
  'linux/arm/v7',
  's390x',
  'ppc64le',
  '386',
  'windows/amd64',
  'riscv64',
];

interface Spec {
  platform: Platform;
  build: number;
  attested: boolean;
}

const specArb = (pool: Platform[], withAttestations: boolean) =>
  fc.record({
    platform: fc.constantFrom(...pool),
    build: fc.integer({ min: 0, max: 2 }),
    attested: withAttestations ? fc.boolean() : fc.constant(false),
  });

function toList(
  specs: Spec[],
  artifacts: readonly number[],
  top: Record<string, unknown>,
): ManifestList {
  const manifests: ManifestDescriptor[] = [];
  for (const { platform, build, attested } of specs) {
    const img: ManifestDescriptor = {
      mediaType: DOCKER_MANIFEST,
      digest: computeDigest(`${JSON.stringify(platform)}#${build}`),
      size: 500 + build,
      platform: structuredClone(platform),
    };
    manifests.push(img);
    if (attested) {
      const att = attestation(img.digest, 'x');
      att.digest = computeDigest(`att:${img.digest}`);
      manifests.push(att);
    }
  }
  for (const n of artifacts) {
    const art = artifact('x');
    art.digest = computeDigest(`art:${n}`);
    manifests.push(art);
  }
  return { schemaVersion: 2, mediaType: OCI_IMAGE_INDEX, ...top, manifests };
}

const listArb = (pool: Platform[] = PLATFORMS, extras = true) =>
  fc
    .tuple(
      fc.uniqueArray(specArb(pool, extras), {
        maxLength: 8,
        selector: (s) => platformKey(s.platform),
      }),
      extras ? fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }) : fc.constant([]),
      fc.dictionary(fc.constantFrom('x-a', 'x-b', 'annotations'), fc.constant({ k: 'v' }), {
        maxKeys: 2,
      }),
    )
    .map(([specs, artifacts, top]) => toList(specs, artifacts, top));

const eligibleArb = fc.subarray(ELIGIBLE);
const matchArb = fc.constantFrom<MatchMode>('platform', 'architecture');

const mergeA = (s: ManifestList, d: ManifestList, match: MatchMode = 'platform') =>
  addMissingArchitectures(s, getMissingArchitectures(s, d, { match }));

/** A one-entry list, to compare entries with {@link listsEqual}. */
const entryList = (e: ManifestDescriptor | undefined): ManifestList => ({
  schemaVersion: 2,
  manifests: e ? [e] : [],
});

const keysOf = (l: ManifestList) =>
  l.manifests.map((e) => entryKey(e)).filter((k): k is string => k !== undefined);

/** Every image entry of `l` selected by `eligible`, by digest, in the select mode. */
const selectedKeys = (s: ManifestList, eligible: string[]) =>
  new Set(keysOf(selectArchitectures(s, undefined, eligible)));

describe('merge invariants', () => {
  it('merge: no destination platform is lost unless the source has it', () => {
    fc.assert(
      fc.property(listArb(), listArb(), (s, d) => {
        const result = mergeA(s, d);
        const srcKeys = new Set(keysOf(s));
        const digests = new Set(result.manifests.map((e) => e.digest));
        for (const e of d.manifests) {
          const key = entryKey(e);
          if (key !== undefined && !srcKeys.has(key)) expect(digests.has(e.digest)).toBe(true);
          if (entryKind(e) === 'artifact') expect(digests.has(e.digest)).toBe(true);
        }
      }),
    );
  });

  it('select: no destination platform is lost unless it was eligible and the source has it', () => {
    fc.assert(
      fc.property(listArb(), listArb(), eligibleArb, (s, d, eligible) => {
        const result = selectArchitectures(s, d, eligible);
        const replaced = selectedKeys(s, eligible);
        const digests = new Set(result.manifests.map((e) => e.digest));
        for (const e of d.manifests) {
          const key = entryKey(e);
          if (key !== undefined && !replaced.has(key)) expect(digests.has(e.digest)).toBe(true);
        }
        for (const e of result.manifests) {
          if (
            entryKind(e) === 'image' &&
            s.manifests.some((x) => x.digest === e.digest && entryKey(x) === entryKey(e)) &&
            replaced.has(entryKey(e) as string)
          )
            continue;
          if (entryKind(e) === 'image')
            expect(d.manifests.some((x) => x.digest === e.digest)).toBe(true);
        }
      }),
    );
  });

  it('no duplicate platform in a result, and every attestation follows an image in it', () => {
    fc.assert(
      fc.property(listArb(), listArb(), eligibleArb, (s, d, eligible) => {
        for (const result of [mergeA(s, d), selectArchitectures(s, d, eligible)]) {
          const keys = keysOf(result);
          expect(new Set(keys).size).toBe(keys.length);
          const others = result.manifests
            .filter((e) => entryKind(e) !== 'image')
            .map((e) => e.digest);
          expect(new Set(others).size).toBe(others.length);
          const images = new Set(
            result.manifests.filter((e) => entryKind(e) === 'image').map((e) => e.digest),
          );
          for (const e of result.manifests) {
            if (entryKind(e) === 'attestation') {
              expect(images.has(e.annotations?.['vnd.docker.reference.digest'] as string)).toBe(
                true,
              );
            }
          }
        }
      }),
    );
  });

  it('keeps the source order and top-level fields', () => {
    fc.assert(
      fc.property(listArb(), listArb(), eligibleArb, matchArb, (s, d, eligible, match) => {
        const a = mergeA(s, d, match);
        expect(a.manifests.slice(0, s.manifests.length)).toStrictEqual(s.manifests);
        expect({ ...a, manifests: [] }).toStrictEqual({ ...s, manifests: [] });
        const b = selectArchitectures(s, d, eligible, { match });
        const n = selectArchitectures(s, undefined, eligible, { match }).manifests.length;
        let at = 0;
        for (const e of b.manifests.slice(0, n)) {
          while (at < s.manifests.length && !listsEqual(entryList(s.manifests[at]), entryList(e)))
            at++;
          expect(at).toBeLessThan(s.manifests.length);
          at++;
        }
        expect({ ...b, manifests: [] }).toStrictEqual({ ...s, manifests: [] });
      }),
    );
  });

  it('merging twice changes nothing (idempotence)', () => {
    fc.assert(
      fc.property(listArb(), listArb(), eligibleArb, matchArb, (s, d, eligible, match) => {
        const once = mergeA(s, d, match);
        expect(listsEqual(mergeA(s, once, match), once)).toBe(true);
        const selected = selectArchitectures(s, d, eligible, { match });
        expect(listsEqual(selectArchitectures(s, selected, eligible, { match }), selected)).toBe(
          true,
        );
      }),
    );
  });

  it('never mutates its inputs and shares no object with them', () => {
    fc.assert(
      fc.property(listArb(), listArb(), eligibleArb, matchArb, (s, d, eligible, match) => {
        const snapshots = [structuredClone(s), structuredClone(d)];
        deepFreeze(s);
        deepFreeze(d);
        const missing = getMissingArchitectures(s, d, { match });
        const a = addMissingArchitectures(s, missing);
        const b = selectArchitectures(s, d, eligible, { match });
        const plan = describeMerge(s, d, b, { match });
        expect([s, d]).toStrictEqual(snapshots);
        for (const out of [missing, a, b, plan]) {
          expect(sharesNothing(out, s)).toBe(true);
          expect(sharesNothing(out, d)).toBe(true);
        }
        expect(sharesNothing(a, missing)).toBe(true);
      }),
    );
  });

  it.each([
    ['Linux without variants', SIMPLE],
    ['one Windows build', ONE_WINDOWS_BUILD],
  ])("gives pubtools-quay's results in both match modes for %s", (_name, pool) => {
    const simple = listArb(pool, false);
    const names = fc.subarray([...new Set(pool.map((p) => p.architecture))]);
    fc.assert(
      fc.property(simple, simple, names, (s, d, eligible) => {
        expect(mergeA(s, d, 'platform')).toStrictEqual(mergeA(s, d, 'architecture'));
        for (const dest of [d, undefined]) {
          expect(selectArchitectures(s, dest, eligible)).toStrictEqual(
            selectArchitectures(s, dest, eligible, { match: 'architecture' }),
          );
        }
      }),
    );
  });

  it('describeMerge accounts for every result and destination entry once', () => {
    fc.assert(
      fc.property(listArb(), listArb(), eligibleArb, matchArb, (s, d, eligible, match) => {
        for (const result of [
          mergeA(s, d, match),
          selectArchitectures(s, d, eligible, { match }),
        ]) {
          const plan = describeMerge(s, d, result, { match });
          const reported = [...plan.added, ...plan.replaced, ...plan.kept].map((e) => e.digest);
          expect(reported.sort()).toEqual(result.manifests.map((e) => e.digest).sort());
          const destSide = [
            ...plan.kept.map((e) => e.digest),
            ...plan.replaced.map((e) => e.previousDigest),
            ...plan.removed.map((e) => e.digest),
          ];
          for (const e of d.manifests) expect(destSide).toContain(e.digest);
          const inResult = new Set(result.manifests.map((e) => e.digest));
          for (const e of plan.removed) expect(inResult.has(e.digest)).toBe(false);
        }
      }),
    );
  });
});
