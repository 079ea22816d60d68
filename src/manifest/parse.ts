import { InvalidManifestListError } from '../errors/invalid-manifest-list-error.js';
import { isValidDigest } from './digest.js';
import { jsonDepthExceeded, MAX_JSON_DEPTH } from './json-depth.js';
import { DOCKER_MANIFEST_LIST, normalizeMediaType, OCI_IMAGE_INDEX } from './media-types.js';
import { entryKey, formatPlatform } from './platform.js';
import type { ManifestList } from './types.js';

/** What {@link parseManifestList} accepts: the exact bytes, a string, or a parsed object. */
export type ManifestListInput = Uint8Array | ArrayBuffer | string | object;

const MEDIA_TYPE =
  /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;

/**
 * Validates a Docker manifest list v2 or an OCI image index and returns a fresh copy of it
 * (it shares no objects with `input`). Unknown fields are kept.
 *
 * @throws {InvalidManifestListError} with `field` naming the offending field, for: invalid
 * JSON, a document that is not a list (e.g. a single-image manifest), a `schemaVersion` other
 * than 2, a list media type that is not one of the two, a descriptor without a valid
 * `mediaType`, `digest` or `size`, a malformed `platform`, two entries with the same
 * normalised platform (attestations and entries without a platform are exempt), and arrays
 * and objects nested deeper than 64 levels anywhere in the document (`reason: 'too-deep'`,
 * found by a scan of the text before it is parsed).
 *
 * @example
 * ```ts
 * const list = parseManifestList(fetched.bytes);
 * console.log(list.manifests.map((m) => m.platform?.architecture));
 * ```
 */
export function parseManifestList(input: ManifestListInput): ManifestList {
  return parseList(input, true);
}

/**
 * {@link parseManifestList} without its refusal of two entries of one platform: for callers
 * that decide themselves what duplicates mean (the merger collapses a destination's, and
 * refuses a source's unless told otherwise). Every other check is the same.
 */
export function parseManifestListWithDuplicates(input: ManifestListInput): ManifestList {
  return parseList(input, false);
}

function parseList(input: ManifestListInput, refuseDuplicates: boolean): ManifestList {
  const doc = toJson(input);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new InvalidManifestListError({
      problem: 'A manifest list must be a JSON object',
      field: '',
      reason: 'not-an-object',
    });
  }
  const record = doc as Record<string, unknown>;
  const mediaType = record['mediaType'];
  if (
    !('manifests' in record) &&
    ('layers' in record || 'config' in record || 'fsLayers' in record)
  ) {
    throw new InvalidManifestListError({
      problem: `Expected a manifest list or image index, got a single-image manifest${typeof mediaType === 'string' ? ` (${mediaType})` : ''}`,
      field: 'manifests',
      reason: 'not-a-list',
    });
  }
  if (record['schemaVersion'] !== 2) {
    throw new InvalidManifestListError({
      problem: `schemaVersion must be 2, got ${JSON.stringify(record['schemaVersion'])}`,
      field: 'schemaVersion',
      reason: 'schema-version',
    });
  }
  if (mediaType !== undefined) {
    const normalized = typeof mediaType === 'string' ? normalizeMediaType(mediaType) : '';
    if (normalized !== DOCKER_MANIFEST_LIST && normalized !== OCI_IMAGE_INDEX) {
      throw new InvalidManifestListError({
        problem: `mediaType ${JSON.stringify(mediaType)} is not a manifest list or image index media type`,
        field: 'mediaType',
        reason:
          typeof mediaType === 'string' && MEDIA_TYPE.test(normalized)
            ? 'not-a-list'
            : 'media-type',
      });
    }
  }
  const manifests = record['manifests'];
  if (!Array.isArray(manifests)) {
    throw new InvalidManifestListError({
      problem: 'manifests must be an array',
      field: 'manifests',
      reason: 'not-a-list',
    });
  }
  const seen = new Map<string, number>();
  manifests.forEach((entry, index) => {
    const at = `manifests[${index}]`;
    validateDescriptor(entry, at);
    if (!refuseDuplicates) return;
    const key = entryKey(entry);
    if (key === undefined) return;
    const first = seen.get(key);
    if (first !== undefined) {
      throw new InvalidManifestListError({
        problem: `Platform ${formatPlatform(entry)} appears twice (manifests[${first}] and ${at})`,
        field: `${at}.platform`,
        reason: 'duplicate-platform',
      });
    }
    seen.set(key, index);
  });
  if (record['subject'] !== undefined) validateDescriptor(record['subject'], 'subject', false);
  validateAnnotations(record['annotations'], 'annotations');
  return doc as ManifestList;
}

function toJson(input: ManifestListInput): unknown {
  let text: string;
  if (typeof input === 'string') text = input;
  else if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch (cause) {
      throw new InvalidManifestListError({
        problem: 'The manifest list is not valid UTF-8',
        field: '',
        reason: 'invalid-json',
        cause,
      });
    }
  } else {
    // An object: copy it through JSON so the result shares nothing with the input and holds
    // nothing JSON cannot carry.
    try {
      text = JSON.stringify(input);
    } catch (cause) {
      throw new InvalidManifestListError({
        problem: 'The manifest list is not JSON-serialisable',
        field: '',
        reason: 'invalid-json',
        cause,
      });
    }
    if (text === undefined) {
      throw new InvalidManifestListError({
        problem: 'A manifest list must be a JSON object',
        field: '',
        reason: 'not-an-object',
      });
    }
  }
  const deep = jsonDepthExceeded(text, MAX_JSON_DEPTH);
  if (deep >= 0) {
    throw new InvalidManifestListError({
      problem: `The manifest list nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels (at offset ${deep})`,
      field: '',
      reason: 'too-deep',
    });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new InvalidManifestListError({
      problem: `The manifest list is not valid JSON: ${(cause as Error).message}`,
      field: '',
      reason: 'invalid-json',
      cause,
    });
  }
}

function validateDescriptor(entry: unknown, at: string, withPlatform = true): void {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    throw new InvalidManifestListError({
      problem: `${at} must be an object`,
      field: at,
      reason: 'invalid-descriptor',
    });
  }
  const d = entry as Record<string, unknown>;
  if (typeof d['mediaType'] !== 'string' || !MEDIA_TYPE.test(d['mediaType'])) {
    throw new InvalidManifestListError({
      problem: `${at}.mediaType must be a media type string, got ${JSON.stringify(d['mediaType'])}`,
      field: `${at}.mediaType`,
      reason: 'invalid-descriptor',
    });
  }
  if (!isValidDigest(d['digest'])) {
    throw new InvalidManifestListError({
      problem: `${at}.digest must be a valid digest (algorithm:hex), got ${JSON.stringify(d['digest'])}`,
      field: `${at}.digest`,
      reason: 'invalid-descriptor',
    });
  }
  const size = d['size'];
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new InvalidManifestListError({
      problem: `${at}.size must be a non-negative integer, got ${JSON.stringify(size)}`,
      field: `${at}.size`,
      reason: 'invalid-descriptor',
    });
  }
  validateAnnotations(d['annotations'], `${at}.annotations`);
  if (!withPlatform || d['platform'] === undefined) return;
  const p = d['platform'];
  if (p === null || typeof p !== 'object' || Array.isArray(p)) {
    throw new InvalidManifestListError({
      problem: `${at}.platform must be an object`,
      field: `${at}.platform`,
      reason: 'invalid-platform',
    });
  }
  const platform = p as Record<string, unknown>;
  for (const field of ['architecture', 'os'] as const) {
    if (typeof platform[field] !== 'string' || platform[field] === '') {
      throw new InvalidManifestListError({
        problem: `${at}.platform.${field} must be a non-empty string`,
        field: `${at}.platform.${field}`,
        reason: 'invalid-platform',
      });
    }
  }
  for (const field of ['variant', 'os.version'] as const) {
    if (platform[field] !== undefined && typeof platform[field] !== 'string') {
      throw new InvalidManifestListError({
        problem: `${at}.platform.${field} must be a string`,
        field: `${at}.platform.${field}`,
        reason: 'invalid-platform',
      });
    }
  }
  for (const field of ['os.features', 'features'] as const) {
    const value = platform[field];
    if (
      value !== undefined &&
      !(Array.isArray(value) && value.every((v) => typeof v === 'string'))
    ) {
      throw new InvalidManifestListError({
        problem: `${at}.platform.${field} must be an array of strings`,
        field: `${at}.platform.${field}`,
        reason: 'invalid-platform',
      });
    }
  }
}

function validateAnnotations(value: unknown, at: string): void {
  if (value === undefined) return;
  if (
    value === null ||
    typeof value !== 'object' ||
    Array.isArray(value) ||
    !Object.values(value).every((v) => typeof v === 'string')
  ) {
    throw new InvalidManifestListError({
      problem: `${at} must map strings to strings`,
      field: at,
      reason: 'invalid-descriptor',
    });
  }
}
