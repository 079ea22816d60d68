import type { ReadonlyDeep } from 'type-fest';
import type { ManifestDescriptor, Platform } from './types.js';

/**
 * How entries of two lists are matched.
 *
 * - `'platform'` (default): the normalised key os/architecture/variant, plus `os.version`
 *   (major.minor.build) for Windows. `aarch64` = `arm64`, `arm` = `arm/v7`, `x86_64` = `amd64`…
 * - `'architecture'`: the raw `platform.architecture` string, exactly as pubtools-quay does.
 */
export type MatchMode = 'platform' | 'architecture';

/** A platform reduced to the fields that identify it, normalised as containerd does. */
export interface NormalizedPlatform {
  /** Lower-cased operating system (`macos` → `darwin`). */
  os: string;
  /** Normalised architecture (`x86_64` → `amd64`, `aarch64` → `arm64`, `i386` → `386`). */
  architecture: string;
  /** Normalised variant (`arm` → `v7`, `arm64/v8` → none); absent when there is none. */
  variant?: string;
  /** Windows only: the first three components of `os.version`. */
  osVersion?: string;
}

/**
 * Normalises a platform as containerd does: `x86_64`/`x86-64` → `amd64`, `amd64/v1` →
 * `amd64`, `aarch64` → `arm64`, `arm64/v8` → `arm64`, `armhf` → `arm/v7`, `armel` → `arm/v6`,
 * `arm` without variant → `arm/v7`, `i386` → `386`, `macos` → `darwin`; case is ignored.
 *
 * @example
 * ```ts
 * normalizePlatform({ os: 'linux', architecture: 'aarch64' }); // { os: 'linux', architecture: 'arm64' }
 * ```
 */
export function normalizePlatform(platform: ReadonlyDeep<Platform>): NormalizedPlatform {
  let os = String(platform.os ?? '').toLowerCase();
  let architecture = String(platform.architecture ?? '').toLowerCase();
  let variant = platform.variant === undefined ? '' : String(platform.variant).toLowerCase();
  if (os === 'macos') os = 'darwin';
  switch (architecture) {
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      architecture = 'amd64';
      if (variant === 'v1') variant = '';
      break;
    case 'aarch64':
    case 'arm64':
      architecture = 'arm64';
      if (variant === '8' || variant === 'v8' || variant === 'v8.0') variant = '';
      else if (variant === '9' || variant === '9.0' || variant === 'v9.0') variant = 'v9';
      break;
    case 'armhf':
      architecture = 'arm';
      variant = 'v7';
      break;
    case 'armel':
      architecture = 'arm';
      variant = 'v6';
      break;
    case 'arm':
      if (variant === '' || variant === '7') variant = 'v7';
      else if (/^[5-8]$/.test(variant)) variant = `v${variant}`;
      break;
    case 'i386':
      architecture = '386';
      break;
  }
  const normalized: NormalizedPlatform = { os, architecture };
  if (variant !== '') normalized.variant = variant;
  const osVersion = platform['os.version'];
  if (os === 'windows' && typeof osVersion === 'string' && osVersion !== '') {
    normalized.osVersion = osVersion.split('.').slice(0, 3).join('.');
  }
  return normalized;
}

/**
 * The string two entries are matched on, or `undefined` for an entry that has no platform.
 *
 * @example
 * ```ts
 * platformKey({ os: 'linux', architecture: 'arm' });               // 'linux/arm/v7'
 * platformKey({ os: 'linux', architecture: 'arm' }, 'architecture'); // 'arm'
 * ```
 */
export function platformKey(
  platform: ReadonlyDeep<Platform> | undefined,
  match: MatchMode = 'platform',
): string | undefined {
  if (platform === undefined || platform === null || typeof platform !== 'object') return undefined;
  if (match === 'architecture') return String(platform.architecture);
  const n = normalizePlatform(platform);
  return (
    `${n.os}/${n.architecture}` +
    (n.variant ? `/${n.variant}` : '') +
    (n.osVersion ? `@${n.osVersion}` : '')
  );
}

/**
 * A short human-readable name of an entry's platform, as written by the logs and results:
 * `linux/arm64`, `linux/arm/v7`, `windows/amd64 10.0.17763.1879`, or the digest of an entry
 * without a platform. Written as the entry says it (not normalised).
 *
 * @example
 * ```ts
 * formatPlatform({ mediaType, digest, size, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } });
 * // 'linux/arm/v7'
 * ```
 */
export function formatPlatform(descriptor: ReadonlyDeep<ManifestDescriptor>): string {
  const p = descriptor.platform;
  if (!p) return descriptor.digest;
  const version = p['os.version'] ? ` ${p['os.version']}` : '';
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}${version}`;
}

/** The annotation buildx puts on an attestation entry: `attestation-manifest`. */
export const ATTESTATION_REFERENCE_TYPE = 'vnd.docker.reference.type';
/** The annotation naming the digest of the image an attestation describes. */
export const ATTESTATION_REFERENCE_DIGEST = 'vnd.docker.reference.digest';

/**
 * True for a buildx attestation entry (annotation `vnd.docker.reference.type:
 * attestation-manifest`). Such entries belong to the image named by
 * `vnd.docker.reference.digest` and are not platforms of their own.
 */
export function isAttestation(descriptor: ReadonlyDeep<ManifestDescriptor>): boolean {
  return descriptor.annotations?.[ATTESTATION_REFERENCE_TYPE] === 'attestation-manifest';
}

/** The digest of the image an attestation entry describes, if it names one. */
export function attestedDigest(descriptor: ReadonlyDeep<ManifestDescriptor>): string | undefined {
  if (!isAttestation(descriptor)) return undefined;
  const digest = descriptor.annotations?.[ATTESTATION_REFERENCE_DIGEST];
  return typeof digest === 'string' ? digest : undefined;
}

/**
 * The key of an entry as the merge sees it: `undefined` for attestations and entries without
 * a platform (they follow their own rules), the platform key otherwise.
 */
export function entryKey(
  descriptor: ReadonlyDeep<ManifestDescriptor>,
  match: MatchMode = 'platform',
): string | undefined {
  if (isAttestation(descriptor)) return undefined;
  return platformKey(descriptor.platform, match);
}
