import { ManifestListMergerError, type MergerErrorOptions } from './base-error.js';

/** Details of a {@link ReferrerCopyError}. */
export interface ReferrerCopyErrorDetails extends MergerErrorOptions {
  /** The digest of the referrer (a signature, an SBOM, an attestation…) that could not be copied. */
  referrer: string;
  /** The digest of the manifest it refers to (a copied child, the list, or another referrer). */
  subject: string;
  /** The source image it was to be copied from. */
  image: string;
  /** What is missing in the source: a blob the referrer names, or the referrer's manifest itself. */
  missingKind: 'blob' | 'manifest';
  /** The digest of what is missing. */
  missing: string;
}

/**
 * A referrer of a manifest the merge copies (a signature, an SBOM, an attestation) cannot be
 * copied from the source repository: a blob it names, or its own manifest (named by the
 * referrers API, the `sha256-<hex>` index or a cosign tag), is missing there. `referrer`,
 * `subject` and `missing` name them. The list was not pushed; copy the missing content into
 * the source, remove the referrer, or merge with `referrers: false` (CLI `--no-referrers`).
 *
 * @example
 * ```ts
 * try {
 *   await merger.mergeManifestLists();
 * } catch (error) {
 *   if (error instanceof ReferrerCopyError) console.error(error.referrer, error.missing);
 * }
 * ```
 */
export class ReferrerCopyError extends ManifestListMergerError {
  override readonly name = 'ReferrerCopyError' as const;
  override readonly code = 'REFERRER_COPY_FAILED' as const;
  /** The digest of the referrer that could not be copied. */
  readonly referrer: string;
  /** The digest of the manifest it refers to. */
  readonly subject: string;
  /** The source image it was to be copied from. */
  readonly image: string;
  /** What is missing in the source: a blob, or the referrer's manifest. */
  readonly missingKind: 'blob' | 'manifest';
  /** The digest of what is missing. */
  readonly missing: string;

  constructor(details: ReferrerCopyErrorDetails) {
    const { referrer, subject, image, missingKind, missing } = details;
    const what =
      missingKind === 'blob'
        ? `its blob ${missing} is missing there`
        : `its manifest is missing there`;
    super(
      `Referrer ${referrer} of ${subject} cannot be copied from '${image}': ${what}; the list was not pushed (merge with referrers: false / --no-referrers to leave referrers behind)`,
      details,
    );
    this.referrer = referrer;
    this.subject = subject;
    this.image = image;
    this.missingKind = missingKind;
    this.missing = missing;
  }
}
