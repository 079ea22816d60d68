// Single-image manifests (Docker v2 schema 2, OCI image manifest): what a per-architecture
// pipeline pushes. Pure: recognising one, reading its config's platform, and the one-entry
// list that stands for it in a merge.
import { isValidDigest } from './digest.js';
import { jsonDepthExceeded, MAX_JSON_DEPTH } from './json-depth.js';
import {
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  normalizeMediaType,
  OCI_IMAGE_INDEX,
  OCI_IMAGE_MANIFEST,
} from './media-types.js';
import type { Descriptor, FetchedManifest, ManifestList, Platform } from './types.js';

/** A fetched single-image manifest: what a list entry for it is made of. */
export interface SingleImage {
  /** Its media type: the Docker v2 schema 2 or the OCI image manifest type. */
  mediaType: typeof DOCKER_MANIFEST | typeof OCI_IMAGE_MANIFEST;
  /** The digest of its exact bytes. */
  digest: string;
  /** The length of its exact bytes. */
  size: number;
  /** Its config blob; `undefined` when the manifest names no valid one. */
  config: Descriptor | undefined;
}

const IMAGE_TYPES: ReadonlySet<string> = new Set([DOCKER_MANIFEST, OCI_IMAGE_MANIFEST]);

/**
 * `fetched` as a single-image manifest, or `undefined` when it is not one (a list, an index,
 * a schema-1 manifest, or bytes that are not JSON: the list parser names what is wrong with
 * those). A manifest is a single image when its media type (the response's, else the body's)
 * is one of the two image types, or, naming none, when it has `config` and `layers` and no
 * `manifests` (an OCI image manifest, by the spec's rules).
 *
 * @example
 * ```ts
 * const image = singleImageOf(fetched); // { mediaType, digest, size, config } or undefined
 * ```
 */
export function singleImageOf(fetched: FetchedManifest): SingleImage | undefined {
  const doc = jsonObject(fetched.bytes);
  if (doc === undefined || 'manifests' in doc) return undefined;
  const declared = [normalizeMediaType(fetched.mediaType), doc['mediaType']];
  let mediaType = declared.find((t): t is SingleImage['mediaType'] =>
    typeof t === 'string' ? IMAGE_TYPES.has(normalizeMediaType(t)) : false,
  );
  if (mediaType === undefined) {
    if (doc['mediaType'] !== undefined || !('config' in doc) || !('layers' in doc)) {
      return undefined;
    }
    mediaType = OCI_IMAGE_MANIFEST;
  }
  return {
    mediaType: normalizeMediaType(mediaType) as SingleImage['mediaType'],
    digest: fetched.digest,
    size: fetched.bytes.byteLength,
    config: configDescriptor(doc['config']),
  };
}

/** What {@link platformOfConfig} read: the platform (absent when the config names none), or why it could not. */
export type ConfigPlatform =
  | { ok: true; platform: Platform | undefined }
  | { ok: false; problem: string };

/**
 * The platform an image config (OCI image config, Docker container config) names: `os` and
 * `architecture` (non-empty strings, both needed), with `variant`, `os.version` and
 * `os.features` when they are of the right type; `platform: undefined` when `os` or
 * `architecture` is missing. Bytes that are not a UTF-8 JSON object are `ok: false`.
 *
 * @example
 * ```ts
 * platformOfConfig(new TextEncoder().encode('{"os":"linux","architecture":"arm","variant":"v7"}'));
 * // { ok: true, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } }
 * ```
 */
export function platformOfConfig(bytes: Uint8Array): ConfigPlatform {
  const doc = jsonObject(bytes);
  if (doc === undefined) return { ok: false, problem: 'its config blob is not a JSON object' };
  const { os, architecture, variant } = doc;
  if (!nonEmpty(os) || !nonEmpty(architecture)) return { ok: true, platform: undefined };
  const platform: Platform = { architecture, os };
  if (nonEmpty(variant)) platform.variant = variant;
  const osVersion = doc['os.version'];
  if (nonEmpty(osVersion)) platform['os.version'] = osVersion;
  const features = doc['os.features'];
  if (Array.isArray(features) && features.length > 0 && features.every(nonEmpty)) {
    platform['os.features'] = [...features];
  }
  return { ok: true, platform };
}

/**
 * The list that stands for a single image in a merge: one entry with the image's exact
 * digest, size and media type and `platform`. A Docker image gets a Docker manifest list,
 * an OCI image an OCI image index (a list never mixes the two families of its own accord).
 *
 * @example
 * ```ts
 * const list = listOfImage(image, { os: 'linux', architecture: 'amd64' });
 * ```
 */
export function listOfImage(image: SingleImage, platform: Platform): ManifestList {
  return {
    schemaVersion: 2,
    mediaType: image.mediaType === DOCKER_MANIFEST ? DOCKER_MANIFEST_LIST : OCI_IMAGE_INDEX,
    manifests: [
      {
        mediaType: image.mediaType,
        digest: image.digest,
        size: image.size,
        platform: structuredClone(platform),
      },
    ],
  };
}

function configDescriptor(value: unknown): Descriptor | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const d = value as Record<string, unknown>;
  const size = d['size'];
  if (!isValidDigest(d['digest'])) return undefined;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return undefined;
  const mediaType = typeof d['mediaType'] === 'string' ? d['mediaType'] : '';
  return { mediaType, digest: d['digest'], size };
}

function jsonObject(bytes: Uint8Array): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  if (jsonDepthExceeded(text, MAX_JSON_DEPTH) >= 0) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  return doc !== null && typeof doc === 'object' && !Array.isArray(doc)
    ? (doc as Record<string, unknown>)
    : undefined;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
