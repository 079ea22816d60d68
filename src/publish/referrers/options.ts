import { InvalidOptionError } from '../../errors/invalid-option-error.js';
import { numberOption } from '../../util/options.js';

/** How many levels of referrers are followed by default (a signature on an SBOM is level 2). */
export const DEFAULT_REFERRER_DEPTH = 3;

/**
 * What is copied along with the images a merge copies (the `referrers` option of
 * {@link ManifestListMerger}): their signatures, attestations and SBOMs.
 *
 * @example
 * ```ts
 * new ManifestListMerger({ ...refs, referrers: { artifactTypes: ['application/spdx+json'], depth: 2 } });
 * ```
 */
export interface ReferrersOptions {
  /**
   * Copy only referrers of these artifact types. A referrer found by the referrers API or
   * the `sha256-<hex>` index matches by its descriptor's `artifactType`; a manifest under a
   * cosign tag by its `artifactType`, its config's media type or a layer's media type (a
   * cosign signature: `application/vnd.dev.cosign.simplesigning.v1+json`). Referrers of a
   * referrer that was left out are not looked for.
   * @default [] (every type)
   */
  artifactTypes?: readonly string[];
  /**
   * How many levels of referrers are followed: `1` copies the referrers of each copied
   * image, `2` also theirs (a signature on an SBOM), and so on. Referrers found one level
   * further are not copied: they are reported (`referrers.beyondDepth`) and logged as a
   * warning.
   * @default 3
   */
  depth?: number;
}

/** The `referrers` option, resolved. */
export interface ReferrerSettings {
  /** Referrers are looked for at all (copied, and the old list's reported). */
  enabled: boolean;
  /** The artifact types copied; empty for every type. */
  artifactTypes: readonly string[];
  /** Levels of referrers followed. */
  depth: number;
}

/**
 * The `referrers` option resolved: `true` or absent → every type to depth 3, `false` → off,
 * an object → its values checked.
 *
 * @throws {InvalidOptionError} for another value, an artifact type that is not a non-empty
 *   string, or a depth that is not a whole number from 1 to 16.
 */
export function resolveReferrers(option: unknown): ReferrerSettings {
  if (option === undefined || option === true) {
    return { enabled: true, artifactTypes: [], depth: DEFAULT_REFERRER_DEPTH };
  }
  if (option === false) return { enabled: false, artifactTypes: [], depth: DEFAULT_REFERRER_DEPTH };
  if (option === null || typeof option !== 'object' || Array.isArray(option)) {
    throw new InvalidOptionError({
      option: 'referrers',
      problem: 'must be true, false or { artifactTypes, depth }',
    });
  }
  const { artifactTypes = [], depth } = option as ReferrersOptions;
  if (
    !Array.isArray(artifactTypes) ||
    !artifactTypes.every((t) => typeof t === 'string' && t.trim() !== '')
  ) {
    throw new InvalidOptionError({
      option: 'referrers.artifactTypes',
      problem: 'must be an array of media types (non-empty strings)',
    });
  }
  return {
    enabled: true,
    artifactTypes: [...new Set(artifactTypes.map((t) => t.trim()))],
    depth: numberOption('referrers.depth', depth, DEFAULT_REFERRER_DEPTH, {
      min: 1,
      max: 16,
      integer: true,
    }),
  };
}
