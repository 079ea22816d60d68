import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { type MatchMode, normalizePlatform } from '../manifest/platform.js';
import { entryKind, type ReadonlyEntry } from './entries.js';

/** A predicate telling whether an image entry's architecture was asked for. */
export type EligibilityTest = (entry: ReadonlyEntry) => boolean;

interface Wanted {
  os?: string;
  architecture: string;
  /** `undefined`: any variant; `''`: no variant. */
  variant?: string;
}

const VARIANT = /^v\d/i;

/**
 * Turns the eligible architectures of {@link selectArchitectures} into a test on entries.
 *
 * With `match: 'architecture'`, raw string equality with `platform.architecture` (whitespace
 * included, as pubtools-quay compares).
 *
 * With `match: 'platform'`, each name is trimmed (`' amd64'` selects amd64), normalised
 * (as containerd does) and may take three forms:
 *
 * - `arch` (`amd64`, `x86_64`, `aarch64`, `arm`, `armhf`…): every entry of that normalised
 *   architecture, on any OS and of any variant; `armhf` and `armel` also imply the variant
 *   (`v7`, `v6`).
 * - `arch/variant` (`arm/v6`): that architecture and variant on any OS; recognised when the
 *   second part is `v` followed by a digit.
 * - `os/arch` or `os/arch/variant` (`linux/arm64`, `linux/arm/v7`): exactly that normalised
 *   platform, variant included (so `linux/arm` means `linux/arm/v7`, and `linux/arm64` also
 *   selects `linux/arm64/v8`). Windows `os.version` is not compared.
 *
 * @throws {InvalidOptionError} in `'platform'` mode for an empty name or one of more than three parts.
 */
export function eligibilityTest(
  eligibleArchs: readonly string[],
  match: MatchMode,
): EligibilityTest {
  if (match === 'architecture') {
    const names = new Set(eligibleArchs);
    return (entry) => entry.platform !== undefined && names.has(entry.platform.architecture);
  }
  const wanted = eligibleArchs.map(parseEligible);
  return (entry) => {
    if (entry.platform === undefined) return false;
    const p = normalizePlatform(entry.platform);
    const variant = p.variant ?? '';
    return wanted.some(
      (w) =>
        w.architecture === p.architecture &&
        (w.os === undefined || w.os === p.os) &&
        (w.variant === undefined || w.variant === variant),
    );
  };
}

/**
 * The names of `eligibleArchs` that select no image of `entries` (attestations and entries
 * without a platform are never selected by a name), in the order given.
 *
 * @throws {InvalidOptionError} as {@link eligibilityTest}, for a malformed name.
 */
export function unmatchedEligible(
  eligibleArchs: readonly string[],
  entries: readonly ReadonlyEntry[],
  match: MatchMode,
): string[] {
  const images = entries.filter((entry) => entryKind(entry) === 'image');
  return eligibleArchs.filter((name) => {
    const eligible = eligibilityTest([name], match);
    return !images.some(eligible);
  });
}

function parseEligible(name: string): Wanted {
  const parts = name.trim().split('/');
  if (parts.some((part) => part === '') || parts.length > 3) {
    throw new InvalidOptionError({
      option: 'eligibleArchs',
      problem: `has an invalid architecture ${JSON.stringify(name)}: expected arch, arch/variant, os/arch or os/arch/variant`,
    });
  }
  const [first = '', second, third] = parts;
  if (parts.length === 1) {
    const n = normalizePlatform({ os: '', architecture: first });
    const implied = ['armhf', 'armel'].includes(first.toLowerCase());
    return implied
      ? { architecture: n.architecture, variant: n.variant ?? '' }
      : { architecture: n.architecture };
  }
  if (parts.length === 2 && second !== undefined && VARIANT.test(second)) {
    const n = normalizePlatform({ os: '', architecture: first, variant: second });
    return { architecture: n.architecture, variant: n.variant ?? '' };
  }
  const n = normalizePlatform({
    os: first,
    architecture: second ?? '',
    ...(third === undefined ? {} : { variant: third }),
  });
  return { os: n.os, architecture: n.architecture, variant: n.variant ?? '' };
}
