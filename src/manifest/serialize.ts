import { digestOf } from './digest.js';
import type { ManifestDescriptor, ManifestList } from './types.js';

const LIST_ORDER = [
  'schemaVersion',
  'mediaType',
  'artifactType',
  'manifests',
  'subject',
  'annotations',
];
const DESCRIPTOR_ORDER = [
  'mediaType',
  'artifactType',
  'digest',
  'size',
  'urls',
  'data',
  'platform',
  'annotations',
];
const PLATFORM_ORDER = ['architecture', 'os', 'os.version', 'os.features', 'variant', 'features'];

function ordered(
  value: Record<string, unknown>,
  order: readonly string[],
): Record<string, unknown> {
  // Built with Object.fromEntries (own data properties) and Object.hasOwn, so unknown fields
  // named like Object.prototype members (`__proto__`, `constructor`, `toString`) survive.
  const entries: [string, unknown][] = [];
  const taken = new Set<string>();
  for (const key of order) {
    if (Object.hasOwn(value, key) && value[key] !== undefined) {
      entries.push([key, value[key]]);
      taken.add(key);
    }
  }
  for (const [key, v] of Object.entries(value)) {
    if (!taken.has(key) && v !== undefined) entries.push([key, v]);
  }
  return Object.fromEntries(entries);
}

function orderedDescriptor(d: ManifestDescriptor): Record<string, unknown> {
  const out = ordered(d, DESCRIPTOR_ORDER);
  if (d.platform) out['platform'] = ordered(d.platform, PLATFORM_ORDER);
  return out;
}

/**
 * The deterministic compact JSON of a manifest list, as UTF-8 bytes: known fields in the
 * order of the specs (`schemaVersion`, `mediaType`, `artifactType`, `manifests`, `subject`,
 * `annotations`; descriptors `mediaType`, `artifactType`, `digest`, `size`, …, `platform`,
 * `annotations`), unknown fields after them in their own order, no whitespace.
 *
 * Equal lists give equal bytes, so equal digests.
 *
 * @example
 * ```ts
 * const bytes = serializeManifestList(list);
 * const digest = computeDigest(bytes);
 * ```
 */
export function serializeManifestList(list: ManifestList): Uint8Array {
  const top = ordered(list, LIST_ORDER);
  top['manifests'] = list.manifests.map(orderedDescriptor);
  if (list.subject) top['subject'] = ordered(list.subject, DESCRIPTOR_ORDER);
  return new TextEncoder().encode(JSON.stringify(top));
}

/**
 * `sha256:` + the lower-case hex SHA-256 of `bytes`: the digest a registry gives content.
 * With `algorithm` (`sha256` or `sha512`, or a digest whose algorithm to use), the digest by
 * that algorithm: what to compare a `sha512:…` digest with.
 *
 * @param algorithm - `sha256`, `sha512`, or a digest such as `sha512:…`.
 * @default algorithm 'sha256'
 * @throws {InvalidDigestError} (`unsupported-algorithm`) for any other algorithm.
 *
 * @example
 * ```ts
 * computeDigest(new TextEncoder().encode('{}')); // 'sha256:44136fa…'
 * computeDigest('{}', 'sha512'); // 'sha512:27c74670…'
 * ```
 */
export function computeDigest(bytes: Uint8Array | string, algorithm = 'sha256'): string {
  return digestOf(bytes, algorithm);
}
