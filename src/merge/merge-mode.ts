import type { ReadonlyDeep } from 'type-fest';
import type { ManifestDescriptor, ManifestList } from '../manifest/types.js';
import { carriedOver } from './carry-over.js';
import { deepCopy } from './copy.js';
import type { MergeOptions } from './options.js';

/**
 * The merge mode, step 1: the destination entries the merged list must carry over because the source
 * does not replace them, in destination order, as deep copies.
 *
 * - An image entry is returned when the source has no entry with its key
 *   ({@link MergeOptions.match}): the destination platforms the source lacks.
 * - An attestation (buildx `attestation-manifest`) is never "missing" on its own: it is
 *   returned exactly when the image it names is in the merged list (a returned destination
 *   image, or a source image of the same digest) and the source has no entry of its digest.
 *   The attestations of destination images the source replaces are therefore dropped.
 * - An entry without a platform (an artifact) is returned unless the source has an entry with
 *   the same digest.
 *
 * For lists without attestations or platform-less entries and `match: 'architecture'`, this
 * is exactly pubtools-quay's `ManifestListMerger.get_missing_architectures` (without its log
 * line).
 *
 * Never mutates its inputs; the result shares no objects with them.
 *
 * @param src - the source list (its entries all go into the merged list).
 * @param dest - the destination list.
 * @param options - {@link MergeOptions}.
 * @returns the destination entries to append to the source's, destination order.
 *
 * @example
 * ```ts
 * const missing = getMissingArchitectures(src, dest);
 * console.log(missing.map((d) => d.platform?.architecture)); // ['s390x', 'ppc64le']
 * const merged = addMissingArchitectures(src, missing);
 * ```
 */
export function getMissingArchitectures(
  src: ReadonlyDeep<ManifestList>,
  dest: ReadonlyDeep<ManifestList>,
  options: MergeOptions = {},
): ManifestDescriptor[] {
  const match = options.match ?? 'platform';
  return carriedOver(src.manifests, dest.manifests, match).map((entry) =>
    deepCopy<ManifestDescriptor>(entry),
  );
}

/**
 * The merge mode, step 2: a new list with the source's top-level fields (the destination's are
 * dropped) and `manifests` = the source entries, in source order, then `missing`, in its
 * order. No entry is checked or removed here: pass what {@link getMissingArchitectures}
 * returned. pubtools-quay's `_add_missing_architectures`.
 *
 * Never mutates its inputs; the result shares no objects with them.
 *
 * @param src - the source list.
 * @param missing - the entries to append, usually from {@link getMissingArchitectures}.
 * @returns the merged list.
 *
 * @example
 * ```ts
 * const merged = addMissingArchitectures(src, getMissingArchitectures(src, dest));
 * ```
 */
export function addMissingArchitectures(
  src: ReadonlyDeep<ManifestList>,
  missing: readonly ReadonlyDeep<ManifestDescriptor>[],
): ManifestList {
  const list = deepCopy<ManifestList>(src);
  list.manifests.push(...missing.map((entry) => deepCopy<ManifestDescriptor>(entry)));
  return list;
}
