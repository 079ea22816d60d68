import { ManifestListMergerError, type MergerErrorOptions } from './base-error.js';

/** One platform a list names more than once. */
export interface DuplicatedPlatform {
  /** The platform, as the first entry writes it (`linux/amd64`). */
  platform: string;
  /** The indexes in `manifests` of every entry of that platform, the first one first. */
  indexes: number[];
}

/** Details of a {@link DuplicatePlatformError}. */
export interface DuplicatePlatformErrorDetails extends MergerErrorOptions {
  /** The source image. */
  image: string;
  /** Each platform the source lists more than once, in list order. */
  duplicates: readonly DuplicatedPlatform[];
}

/**
 * The source list names one platform more than once, as `buildah manifest add` and `docker
 * manifest create --amend` leave lists (a runtime takes the first entry of a platform, so the
 * others are dead weight, or worse, an older image the author meant to replace). With
 * `match: 'platform'` such a source is refused, and nothing is pushed, unless the merger is
 * told to take the first entry of each platform (`collapseSourceDuplicates: true`, CLI
 * `--collapse-source-duplicates`). A destination's duplicates are always collapsed that way;
 * `match: 'architecture'` takes both sides as they are, as pubtools-quay does.
 *
 * @example
 * ```ts
 * try {
 *   await merger.mergeManifestLists();
 * } catch (error) {
 *   if (error instanceof DuplicatePlatformError) console.error(error.duplicates.map((d) => d.platform));
 * }
 * ```
 */
export class DuplicatePlatformError extends ManifestListMergerError {
  override readonly name = 'DuplicatePlatformError' as const;
  override readonly code = 'DUPLICATE_PLATFORM' as const;
  /** The source image. */
  readonly image: string;
  /** Each platform the source lists more than once. */
  readonly duplicates: DuplicatedPlatform[];

  constructor(details: DuplicatePlatformErrorDetails) {
    const duplicates = details.duplicates.map((d) => ({ ...d, indexes: [...d.indexes] }));
    const named = duplicates
      .map((d) => `${d.platform} (${d.indexes.map((i) => `manifests[${i}]`).join(', ')})`)
      .join(', ');
    super(
      `The source image '${details.image}' lists a platform more than once: ${named}; a runtime takes the first of each`,
      details,
    );
    this.image = details.image;
    this.duplicates = duplicates;
  }
}
