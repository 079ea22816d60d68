// The merge step of a publish: the mode's pure merge, finalised, with pubtools-quay's log lines.
import { DestinationNotFoundError } from '../errors/destination-not-found-error.js';
import { log } from '../logger.js';
import { formatPlatform } from '../manifest/platform.js';
import type { ManifestList } from '../manifest/types.js';
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

/**
 * The mode's merge of `src` into `dest`, finalised (media type, annotations). Logs, on the
 * first attempt, what pubtools-quay logs: the missing architectures (merge mode), or that the
 * destination does not exist (select mode).
 *
 * @throws {DestinationNotFoundError} in the merge mode, when the destination does not exist.
 */
export function mergeLists(
  request: PublishRequest,
  src: Side,
  dest: Side | undefined,
  attempt: number,
): ManifestList {
  const { mode, destImage, settings } = request;
  const { match, logger } = settings;
  let merged: ManifestList;
  if (mode.mode === 'merge') {
    if (dest === undefined) throw new DestinationNotFoundError({ image: destImage });
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
    merged = addMissingArchitectures(src.list, missing);
  } else {
    if (dest === undefined && attempt === 1) {
      log(logger, 'info', `Destination '${destImage}' does not exist`);
    }
    merged = selectArchitectures(src.list, dest?.list, mode.eligibleArchs, { match });
  }
  return finalizeList(merged, dest?.list, {
    dockerListConversion: settings.dockerListConversion,
  });
}
