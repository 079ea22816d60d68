// The names and documents of referrers (OCI 1.1 `subject`, the referrers tag schema, cosign's
// tags): pure, no I/O.
import { isValidDigest } from './digest.js';
import { jsonDepthExceeded, MAX_JSON_DEPTH } from './json-depth.js';
import { OCI_IMAGE_INDEX } from './media-types.js';
import type { Descriptor } from './types.js';

/** The media type of a cosign signature's layer (`sha256-<hex>.sig`). */
export const COSIGN_SIMPLESIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';

/** The suffixes of cosign's tags next to an image: signatures, attestations, SBOMs. */
export const COSIGN_TAG_SUFFIXES = ['sig', 'att', 'sbom'] as const;

/** The longest tag the distribution spec allows. */
const MAX_TAG_LENGTH = 128;

/**
 * The tag of the referrers tag schema (OCI distribution 1.1) for `digest`: `<alg>-<hex>`,
 * cut at 128 characters. It holds an image index of the manifests whose `subject` is `digest`,
 * on registries without the referrers API.
 *
 * @example
 * ```ts
 * referrersTagOf('sha256:0123…'); // 'sha256-0123…'
 * ```
 */
export function referrersTagOf(digest: string): string {
  return digest.replace(':', '-').slice(0, MAX_TAG_LENGTH);
}

/**
 * cosign's tags for `digest`, in the order `.sig`, `.att`, `.sbom`: `sha256-<hex>.sig` and
 * so on. None for a digest whose tags would be longer than a tag may be (a `sha512` digest):
 * no such tag can exist.
 *
 * @example
 * ```ts
 * cosignTagsOf('sha256:0123…'); // ['sha256-0123….sig', 'sha256-0123….att', 'sha256-0123….sbom']
 * ```
 */
export function cosignTagsOf(digest: string): string[] {
  const base = digest.replace(':', '-');
  return COSIGN_TAG_SUFFIXES.map((suffix) => `${base}.${suffix}`).filter(
    (tag) => tag.length <= MAX_TAG_LENGTH,
  );
}

/** An index of referrers as read: its descriptors, or what is wrong with it. */
export type ReferrersIndexRead =
  | { ok: true; manifests: Descriptor[]; document: Record<string, unknown> }
  | { ok: false; field: string; reason: ReferrersIndexProblem; problem: string };

/** Why an index of referrers cannot be read (the reasons of `InvalidChildManifestError`). */
export type ReferrersIndexProblem =
  | 'invalid-json'
  | 'not-an-object'
  | 'invalid-descriptor'
  | 'too-deep';

/**
 * Reads an image index of referrers (the referrers API's answer, or the referrers tag
 * schema's index): a JSON object whose `manifests` is an array of descriptors, each with a
 * valid digest, a media type and a size. Each descriptor is kept whole (its `artifactType`
 * and `annotations` included); nothing else of the document is interpreted.
 *
 * @example
 * ```ts
 * const read = readReferrersIndex(bytes);
 * if (read.ok) console.log(read.manifests.map((d) => d.artifactType));
 * ```
 */
export function readReferrersIndex(bytes: Uint8Array): ReferrersIndexRead {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, field: '', reason: 'invalid-json', problem: 'it is not UTF-8' };
  }
  if (jsonDepthExceeded(text, MAX_JSON_DEPTH) >= 0) {
    return {
      ok: false,
      field: '',
      reason: 'too-deep',
      problem: `it nests deeper than ${MAX_JSON_DEPTH} levels`,
    };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, field: '', reason: 'invalid-json', problem: 'it is not JSON' };
  }
  if (!isObject(doc)) {
    return { ok: false, field: '', reason: 'not-an-object', problem: 'it is not a JSON object' };
  }
  const list = doc['manifests'] ?? [];
  if (!Array.isArray(list)) {
    return bad('manifests', 'manifests is not an array');
  }
  const manifests: Descriptor[] = [];
  for (const [i, item] of list.entries()) {
    const at = `manifests[${i}]`;
    if (!isObject(item)) return bad(at, `${at} is not an object`);
    if (!isValidDigest(item['digest'])) {
      return bad(`${at}.digest`, `${at}.digest is not a valid digest`);
    }
    if (typeof item['mediaType'] !== 'string' || typeof item['size'] !== 'number') {
      return bad(at, `${at} lacks a mediaType or a size`);
    }
    manifests.push({ ...(item as Descriptor) });
  }
  return { ok: true, manifests, document: doc };
}

/**
 * The index of the referrers tag schema after adding `added` to `existing` (the tag's
 * current index, if any): every existing descriptor kept in its place, each new digest
 * appended once. `changed` is false when nothing was added (the tag need not be written).
 *
 * @example
 * ```ts
 * const { bytes, changed } = referrersIndexWith(current, [sbomDescriptor]);
 * ```
 */
export function referrersIndexWith(
  existing: Extract<ReferrersIndexRead, { ok: true }> | undefined,
  added: readonly Descriptor[],
): { bytes: Uint8Array; changed: boolean; manifests: Descriptor[] } {
  const manifests = [...(existing?.manifests ?? [])];
  const present = new Set(manifests.map((d) => d.digest));
  for (const descriptor of added) {
    if (present.has(descriptor.digest)) continue;
    present.add(descriptor.digest);
    manifests.push(descriptor);
  }
  const changed = manifests.length !== (existing?.manifests.length ?? 0);
  const document = {
    ...(existing?.document ?? {}),
    schemaVersion: 2,
    mediaType: OCI_IMAGE_INDEX,
    manifests,
  };
  return { bytes: new TextEncoder().encode(JSON.stringify(document)), changed, manifests };
}

/**
 * The types a referrer manifest can be filtered by: its `artifactType`, else its config's
 * media type (how the referrers API computes a descriptor's `artifactType`), and its layers'
 * media types (a cosign signature names itself only there:
 * `application/vnd.dev.cosign.simplesigning.v1+json`).
 *
 * @example
 * ```ts
 * typesOfManifest({ config: { mediaType: 'application/vnd.oci.image.config.v1+json' },
 *   layers: [{ mediaType: COSIGN_SIMPLESIGNING }] });
 * // ['application/vnd.oci.image.config.v1+json', 'application/vnd.dev.cosign.simplesigning.v1+json']
 * ```
 */
export function typesOfManifest(doc: unknown): string[] {
  if (!isObject(doc)) return [];
  const types: string[] = [];
  const artifactType = artifactTypeOf(doc);
  if (artifactType !== undefined) types.push(artifactType);
  const layers = Array.isArray(doc['layers']) ? doc['layers'] : [];
  for (const layer of layers) {
    if (isObject(layer) && typeof layer['mediaType'] === 'string') types.push(layer['mediaType']);
  }
  return [...new Set(types)];
}

/**
 * A manifest's artifact type as the referrers API reports it: `artifactType`, else the
 * config's `mediaType`; `undefined` when it has neither.
 *
 * @example
 * ```ts
 * artifactTypeOf({ artifactType: 'application/spdx+json' }); // 'application/spdx+json'
 * ```
 */
export function artifactTypeOf(doc: unknown): string | undefined {
  if (!isObject(doc)) return undefined;
  if (typeof doc['artifactType'] === 'string') return doc['artifactType'];
  const config = doc['config'];
  return isObject(config) && typeof config['mediaType'] === 'string'
    ? config['mediaType']
    : undefined;
}

function bad(field: string, problem: string): ReferrersIndexRead {
  return { ok: false, field, reason: 'invalid-descriptor', problem };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
