/** Docker manifest list v2 (`application/vnd.docker.distribution.manifest.list.v2+json`). */
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
/** OCI image index (`application/vnd.oci.image.index.v1+json`). */
export const OCI_IMAGE_INDEX = 'application/vnd.oci.image.index.v1+json';
/** Docker image manifest v2 schema 2 (`application/vnd.docker.distribution.manifest.v2+json`). */
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
/** OCI image manifest (`application/vnd.oci.image.manifest.v1+json`). */
export const OCI_IMAGE_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/**
 * The media types of this library's domain, by name.
 *
 * @example
 * ```ts
 * import { MediaTypes } from 'manifest-list-merger';
 * headers.accept = MediaTypes.ALL_MANIFESTS.join(', ');
 * ```
 */
export const MediaTypes = {
  DOCKER_MANIFEST_LIST,
  OCI_IMAGE_INDEX,
  DOCKER_MANIFEST,
  OCI_IMAGE_MANIFEST,
  /** The two list types. */
  LISTS: [DOCKER_MANIFEST_LIST, OCI_IMAGE_INDEX] as const,
  /** All four manifest types, lists first: what a GET's `Accept` should name. */
  ALL_MANIFESTS: [
    DOCKER_MANIFEST_LIST,
    OCI_IMAGE_INDEX,
    DOCKER_MANIFEST,
    OCI_IMAGE_MANIFEST,
  ] as const,
} as const;

/** One of the two manifest list media types. */
export type ManifestListMediaType = (typeof MediaTypes.LISTS)[number];

/**
 * Strips parameters (`; charset=utf-8`) and case from a Content-Type for comparison.
 *
 * @example
 * ```ts
 * normalizeMediaType('application/vnd.oci.image.index.v1+json; charset=utf-8');
 * // 'application/vnd.oci.image.index.v1+json'
 * ```
 */
export function normalizeMediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

/** True for the Docker manifest list and OCI image index media types (parameters ignored). */
export function isManifestListMediaType(mediaType: string | undefined): boolean {
  if (mediaType === undefined) return false;
  const normalized = normalizeMediaType(mediaType);
  return normalized === DOCKER_MANIFEST_LIST || normalized === OCI_IMAGE_INDEX;
}
