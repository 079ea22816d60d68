import type { ReadonlyDeep } from 'type-fest';
import { attestedDigest } from '../manifest/platform.js';
import type { ManifestDescriptor, ManifestList } from '../manifest/types.js';
import { carriedOver } from './carry-over.js';
import { deepCopy } from './copy.js';
import { eligibilityTest } from './eligibility.js';
import { entryKind, type ReadonlyEntry } from './entries.js';
import type { MergeOptions } from './options.js';

/**
 * The select mode: a new list with the source's top-level fields (the destination's are dropped) and
 * `manifests` =
 *
 * 1. the source entries selected, in source order:
 *    - images whose architecture is eligible (see below);
 *    - attestations whose image is among the selected images (an attestation is never
 *      selected on its own; one naming an unselected or absent image is left out);
 *    - entries without a platform (artifacts): always, they are not architectures;
 * 2. then the destination entries the selection does not replace, in destination order:
 *    images whose key ({@link MergeOptions.match}) no selected image has; attestations whose
 *    image is in the result (so those of replaced images are dropped); artifacts, unless the
 *    result already holds their digest.
 *
 * No destination (`undefined`) → the selected source entries only. Ineligible source images
 * are dropped even when the destination lacks them; no eligible image and no destination →
 * an empty `manifests` (plus any source artifacts).
 *
 * Eligibility: with `match: 'architecture'` a name equals `platform.architecture` exactly
 * (pubtools-quay's rule). With `match: 'platform'` (the default) names are normalised as
 * containerd does and may be `arch` (`amd64`, `aarch64` = `arm64`, `x86_64` = `amd64`, `arm`
 * = every arm variant, `armhf` = arm/v7), `arch/variant` (`arm/v6`), `os/arch` or
 * `os/arch/variant` (`linux/arm/v7`; `linux/arm` = `linux/arm/v7`). See docs/merge-rules.md.
 *
 * For lists of one OS without variants, attestations or artifacts — and, for Windows, one
 * `os.version` build throughout — both modes give exactly pubtools-quay's
 * `merge_manifest_lists_selected_architectures`; Windows images of different builds are two
 * platforms to `'platform'` and one to pubtools-quay.
 *
 * Eligible names are trimmed in `'platform'` mode (`' amd64'` selects amd64) and compared
 * exactly, whitespace included, in `'architecture'` mode.
 *
 * Never mutates its inputs; the result shares no objects with them.
 *
 * @param src - the source list.
 * @param dest - the destination list, or `undefined` when the destination does not exist.
 * @param eligibleArchs - the architectures to take from the source.
 * @param options - {@link MergeOptions}.
 * @returns the new list.
 * @throws {InvalidOptionError} in `'platform'` mode, for an empty or malformed eligible name.
 *
 * @example
 * ```ts
 * const list = selectArchitectures(src, dest, ['amd64', 'arm64']);
 * const first = selectArchitectures(src, undefined, ['linux/arm/v7']);
 * ```
 */
export function selectArchitectures(
  src: ReadonlyDeep<ManifestList>,
  dest: ReadonlyDeep<ManifestList> | undefined,
  eligibleArchs: readonly string[],
  options: MergeOptions = {},
): ManifestList {
  const match = options.match ?? 'platform';
  const eligible = eligibilityTest(eligibleArchs, match);
  const selectedImages = new Set<string>();
  for (const entry of src.manifests) {
    if (entryKind(entry) === 'image' && eligible(entry)) selectedImages.add(entry.digest);
  }
  const selected = src.manifests.filter((entry) => {
    switch (entryKind(entry)) {
      case 'image':
        return eligible(entry);
      case 'attestation':
        return selectedImages.has(attestedDigest(entry) as string);
      default:
        return true;
    }
  });
  const kept: readonly ReadonlyEntry[] =
    dest === undefined ? [] : carriedOver(selected, dest.manifests, match);
  const list = deepCopy<ManifestList>(src);
  list.manifests = [...selected, ...kept].map((entry) => deepCopy<ManifestDescriptor>(entry));
  return list;
}
