import type { ReadonlyDeep } from 'type-fest';
import { IncompatibleMediaTypeError } from '../errors/incompatible-media-type-error.js';
import {
  DOCKER_MANIFEST_LIST,
  normalizeMediaType,
  OCI_IMAGE_INDEX,
  OCI_IMAGE_MANIFEST,
} from '../manifest/media-types.js';
import type { ManifestList } from '../manifest/types.js';
import { deepCopy } from './copy.js';

/**
 * What to do when a merged Docker manifest list would hold what that format cannot carry
 * (OCI children, `annotations`, `subject`, `artifactType`):
 * - `'oci-index'`: emit an OCI image index instead (same entries, OCI media type);
 * - `'error'`: throw {@link IncompatibleMediaTypeError}.
 */
export type DockerListConversion = 'oci-index' | 'error';

/** Options of {@link finalizeList}. */
export interface FinalizeOptions {
  /**
   * What to do with a Docker manifest list that cannot carry the merged content.
   * @default 'oci-index'
   */
  dockerListConversion?: DockerListConversion;
}

/**
 * What a Docker manifest list cannot carry in `list`, as JSON paths (`annotations`,
 * `manifests[1].mediaType`, …); empty when the list is not a Docker list or fits.
 *
 * @example
 * ```ts
 * dockerListIncompatibilities({ schemaVersion: 2, mediaType: DOCKER_MANIFEST_LIST,
 *   manifests: [], annotations: { a: 'b' } }); // ['annotations']
 * ```
 */
export function dockerListIncompatibilities(list: ReadonlyDeep<ManifestList>): string[] {
  if (normalizeMediaType(list.mediaType ?? '') !== DOCKER_MANIFEST_LIST) return [];
  const fields: string[] = [];
  for (const field of ['annotations', 'subject', 'artifactType'] as const) {
    if (list[field] !== undefined) fields.push(field);
  }
  list.manifests.forEach((entry, index) => {
    const type = normalizeMediaType(entry.mediaType);
    if (type === OCI_IMAGE_MANIFEST || type === OCI_IMAGE_INDEX)
      fields.push(`manifests[${index}].mediaType`);
    if (entry.annotations !== undefined) fields.push(`manifests[${index}].annotations`);
    if (entry.artifactType !== undefined) fields.push(`manifests[${index}].artifactType`);
  });
  return fields;
}

/**
 * Applies the publishing rules to a merged list and returns a new one:
 *
 * 1. **Annotations**: when the merged list (that is, the source) has no top-level
 *    `annotations` and the destination has some, the destination's are kept: a source built
 *    without annotations should not strip the ones a release process put on the tag. A source
 *    with annotations wins whole (they are not merged key by key).
 * 2. **Media type**: a list without a top-level `mediaType` gets the OCI image index type
 *    (which is what such a list is, by the OCI spec; some registries, ECR among them, refuse
 *    it without). A Docker manifest list that would name OCI manifests or carry
 *    `annotations`, `subject` or `artifactType` becomes an OCI image index (or, with
 *    `dockerListConversion: 'error'`, an {@link IncompatibleMediaTypeError} is thrown).
 *
 * Pure; never mutates its inputs.
 *
 * @example
 * ```ts
 * const publishable = finalizeList(addMissingArchitectures(src, missing), dest);
 * ```
 */
export function finalizeList(
  list: ReadonlyDeep<ManifestList>,
  dest: ReadonlyDeep<ManifestList> | undefined,
  options: FinalizeOptions = {},
): ManifestList {
  const out = deepCopy<ManifestList>(list);
  // Always name the media type (ECR refuses an index without one); a list that names none
  // is an OCI image index by the spec.
  out.mediaType ??= OCI_IMAGE_INDEX;
  if (out.annotations === undefined && dest?.annotations !== undefined) {
    out.annotations = deepCopy(dest.annotations) as Record<string, string>;
  }
  const misfits = dockerListIncompatibilities(out);
  if (misfits.length > 0) {
    if ((options.dockerListConversion ?? 'oci-index') === 'error')
      throw new IncompatibleMediaTypeError({ fields: misfits });
    out.mediaType = OCI_IMAGE_INDEX;
  }
  return out;
}
