import { ManifestListMergerError } from './base-error.js';
import type { DestinationErrorDetails } from './destination-not-found-error.js';

/**
 * A merge that would push could not read the destination: the registry answered 401 although
 * credentials were accepted, and nothing says the tag is absent (a push-only robot gets this
 * answer for a tag that exists). Pushing would replace whatever the tag holds, so nothing was
 * pushed. Give credentials that may pull, or pass `newDestination: true` (CLI
 * `--new-destination`) when the tag is known to be new.
 *
 * @example
 * ```ts
 * try {
 *   await merger.mergeSelectedArchitectures(['amd64'], { push: true });
 * } catch (error) {
 *   if (error instanceof DestinationUnreadableError) console.error(error.image);
 * }
 * ```
 */
export class DestinationUnreadableError extends ManifestListMergerError {
  override readonly name = 'DestinationUnreadableError' as const;
  override readonly code = 'DESTINATION_UNREADABLE' as const;
  /** The destination image reference. */
  readonly image: string;

  constructor(details: DestinationErrorDetails) {
    super(
      `The destination '${details.image}' cannot be read with these credentials (401), so whether it exists is unknown; nothing was pushed, as a push would replace whatever it holds. Use credentials that may pull it, or pass newDestination when it is known to be new`,
      details,
    );
    this.image = details.image;
  }
}
