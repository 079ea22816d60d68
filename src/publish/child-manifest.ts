import {
  InvalidChildManifestError,
  type InvalidChildManifestReason,
} from '../errors/invalid-child-manifest-error.js';
import { isValidDigest } from '../manifest/digest.js';
import { jsonDepthExceeded, MAX_JSON_DEPTH } from '../manifest/json-depth.js';
import { isManifestListMediaType } from '../manifest/media-types.js';
import type { Descriptor, FetchedManifest } from '../manifest/types.js';

/** What a children copy follows in a manifest: the manifests an index names, or an image's blobs. */
export type ChildContent =
  | { kind: 'index'; manifests: Descriptor[] }
  | { kind: 'image'; blobs: Descriptor[] };

/**
 * Reads what a copy must follow in a fetched child manifest: for an index (a list media
 * type, or a `manifests` field), the descriptors of `manifests`; for anything else, the
 * blobs of `config`, `layers` and `blobs`, leaving out foreign layers (with `urls`). Only
 * those descriptors are kept: the parsed document is released before the copy goes on.
 *
 * @throws {InvalidChildManifestError} for bytes that are not UTF-8 JSON, nested deeper than
 * 64 levels, not an object, or whose followed fields have the wrong shape.
 */
export function readChildManifest(
  fetched: FetchedManifest,
  digest: string,
  image: string,
): ChildContent {
  const fail: Fail = (reason, field, problem) => {
    throw new InvalidChildManifestError({ digest, image, field, reason, problem });
  };
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(fetched.bytes);
  } catch {
    fail('invalid-json', '', 'it is not UTF-8');
  }
  if (jsonDepthExceeded(text, MAX_JSON_DEPTH) >= 0) {
    fail('too-deep', '', `it nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    fail('invalid-json', '', 'it is not JSON');
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    fail('not-an-object', '', `it is JSON but not an object (${describe(doc)})`);
  }
  const record = doc as Record<string, unknown>;
  if (isManifestListMediaType(fetched.mediaType) || record['manifests'] !== undefined) {
    return { kind: 'index', manifests: descriptors(record['manifests'], 'manifests', fail) };
  }
  const blobs: Descriptor[] = [];
  if (record['config'] !== undefined) blobs.push(descriptor(record['config'], 'config', fail));
  for (const field of ['layers', 'blobs'] as const) {
    if (record[field] !== undefined) blobs.push(...descriptors(record[field], field, fail));
  }
  return { kind: 'image', blobs: blobs.filter((b) => !(b.urls && b.urls.length > 0)) };
}

type Fail = (reason: InvalidChildManifestReason, field: string, problem: string) => never;

function descriptors(value: unknown, at: string, fail: Fail): Descriptor[] {
  if (!Array.isArray(value)) return fail('invalid-descriptor', at, `${at} is not an array`);
  return value.map((item, i) => descriptor(item, `${at}[${i}]`, fail));
}

/** A copy of the fields of a descriptor the copy uses (nothing else of the document is kept). */
function descriptor(value: unknown, at: string, fail: Fail): Descriptor {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fail('invalid-descriptor', at, `${at} is not an object (${describe(value)})`);
  }
  const d = value as Record<string, unknown>;
  if (!isValidDigest(d['digest'])) {
    return fail('invalid-descriptor', `${at}.digest`, `${at}.digest is not a valid digest`);
  }
  const urls = d['urls'];
  if (urls !== undefined && !(Array.isArray(urls) && urls.every((u) => typeof u === 'string'))) {
    return fail('invalid-descriptor', `${at}.urls`, `${at}.urls is not an array of strings`);
  }
  return {
    mediaType: typeof d['mediaType'] === 'string' ? d['mediaType'] : '',
    digest: d['digest'],
    size: typeof d['size'] === 'number' ? d['size'] : -1,
    ...(urls !== undefined ? { urls: urls as string[] } : {}),
  };
}

/** `null`, `an array`, `a number`…: what a value is, never its content. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
