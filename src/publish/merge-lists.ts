// The merge step of a publish: the mode's pure merge, finalised, with pubtools-quay's log lines.
import { DestinationNotFoundError } from '../errors/destination-not-found-error.js';
import { NothingSelectedError } from '../errors/nothing-selected-error.js';
import { log } from '../logger.js';
import { formatPlatform } from '../manifest/platform.js';
import type { ManifestList } from '../manifest/types.js';
import { deepCopy } from '../merge/copy.js';
import { unmatchedEligible } from '../merge/eligibility.js';
import { entryKind } from '../merge/entries.js';
import { finalizeList } from '../merge/finalize.js';
import { addMissingArchitectures, getMissingArchitectures } from '../merge/merge-mode.js';
import { selectArchitectures } from '../merge/select-mode.js';
import type { Side } from './plan-publish.js';
import type { PublishRequest } from './request.js';

/** The line a merge opens with (pubtools-quay's words for the merge mode). */
export function openingLine(request: PublishRequest): string {
  const { mode, srcImage, destImage } = request;
  return mode.mode === 'merge'
    ? `Merging manifest lists of images '${srcImage}' and '${destImage}'`
    : `Merging architectures ${mode.eligibleArchs.join(', ')} of '${srcImage}' into '${destImage}'`;
}

/** A merge's list, and what it found worth a warning (on the first attempt only). */
export interface MergedLists {
  list: ManifestList;
  warnings: string[];
}

/**
 * The mode's merge of `src` into `dest`, finalised (media type, annotations). Logs, on the
 * first attempt, what pubtools-quay logs: the missing architectures (merge mode), or that the
 * destination does not exist (select mode).
 *
 * @throws {DestinationNotFoundError} in the merge mode, when the destination does not exist
 *   (unless `createDestination`: the source's entries then make the list).
 * @throws {NothingSelectedError} in the select mode, when no eligible architecture is in the
 *   source (unless `allowEmpty`); one missing among others found is a warning.
 */
export function mergeLists(
  request: PublishRequest,
  src: Side,
  dest: Side | undefined,
  attempt: number,
): MergedLists {
  const { mode, destImage, settings } = request;
  const { match, logger } = settings;
  let warnings: string[] = [];
  let merged: ManifestList;
  if (mode.mode === 'merge') {
    merged = mergeMode(request, src, dest, attempt);
  } else {
    warnings = selectionWarnings(request, src, dest, mode.eligibleArchs);
    if (dest === undefined && attempt === 1) {
      log(logger, 'info', `Destination '${destImage}' does not exist`);
    }
    merged = selectArchitectures(src.list, dest?.list, mode.eligibleArchs, { match });
  }
  const list = finalizeList(merged, dest?.list, {
    dockerListConversion: settings.dockerListConversion,
  });
  return { list, warnings: attempt === 1 ? warnings : [] };
}

/** The merge mode: the source's entries plus the destination's missing ones, or a new tag. */
function mergeMode(
  request: PublishRequest,
  src: Side,
  dest: Side | undefined,
  attempt: number,
): ManifestList {
  const { destImage, settings } = request;
  const { match, logger } = settings;
  if (dest === undefined) {
    if (!settings.createDestination) throw new DestinationNotFoundError({ image: destImage });
    if (attempt === 1)
      log(logger, 'info', `Destination '${destImage}' does not exist; creating it`);
    return deepCopy<ManifestList>(src.list);
  }
  const missing = getMissingArchitectures(src.list, dest.list, { match });
  if (attempt === 1) {
    // pubtools-quay's words: bare architectures (`s390x`); a variant or another OS is named too.
    const names = missing
      .filter((d) => entryKind(d) === 'image')
      .map((d) =>
        match === 'architecture'
          ? d.platform?.architecture
          : formatPlatform(d).replace(/^linux\//, ''),
      );
    log(logger, 'info', `Architectures missing from the new image: ${names.join(', ')}`);
  }
  return addMissingArchitectures(src.list, missing);
}

/**
 * The select mode's check of its eligible architectures against the source: a warning for
 * each one it lacks, and a {@link NothingSelectedError} when it has none of them (unless
 * `allowEmpty`, then one warning).
 */
function selectionWarnings(
  request: PublishRequest,
  src: Side,
  dest: Side | undefined,
  eligibleArchs: readonly string[],
): string[] {
  const { srcImage, settings } = request;
  const unmatched = unmatchedEligible(eligibleArchs, src.list.manifests, settings.match);
  if (unmatched.length === 0) return [];
  const available = src.list.manifests
    .filter((entry) => entryKind(entry) === 'image')
    .map((entry) => formatPlatform(entry));
  const has = available.length === 0 ? 'no image' : available.join(', ');
  if (unmatched.length < eligibleArchs.length || settings.allowEmpty) {
    return unmatched.map(
      (name) => `Architecture '${name}' is not in the source '${srcImage}' (it has ${has})`,
    );
  }
  const empty =
    (dest?.list.manifests.length ?? 0) === 0 &&
    src.list.manifests.every((entry) => entryKind(entry) !== 'artifact');
  throw new NothingSelectedError({ image: srcImage, eligibleArchs, available, empty });
}
