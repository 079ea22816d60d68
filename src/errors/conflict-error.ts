import { ManifestListMergerError, type MergerErrorOptions } from './base-error.js';

/**
 * Why a {@link ConflictError} was thrown.
 * - `moving`: the tag kept changing between this merge's read and its write; nothing of the
 *   last attempt was written.
 * - `overwritten`: other writers kept overwriting what this merge pushed; the platforms named
 *   may be missing from the tag now.
 * - `unverifiable`: a list another writer pushed while this merge's PUT was in flight could
 *   not be read, so what it held may have been overwritten.
 */
export type ConflictReason = 'moving' | 'overwritten' | 'unverifiable';

/** Details of a {@link ConflictError}. */
export interface ConflictErrorDetails extends MergerErrorOptions {
  /** The destination tag. */
  image: string;
  /** How many read-merge-write rounds were tried. */
  attempts: number;
  /** Why. @default 'moving' */
  reason?: ConflictReason;
  /** The platforms (or digests of entries without one) at risk. @default [] */
  platforms?: readonly string[];
}

/**
 * Other writers of the destination tag kept this merge from making sure that what it adds is
 * in the tag. `platforms` names what is at risk; run the merge again (it is idempotent).
 *
 * @example
 * ```ts
 * try {
 *   await merger.mergeManifestLists();
 * } catch (error) {
 *   if (error instanceof ConflictError) console.error(error.reason, error.platforms);
 * }
 * new ConflictError({ image: 'quay.io/ns/app:1.0', attempts: 5, reason: 'moving' });
 * ```
 */
export class ConflictError extends ManifestListMergerError {
  override readonly name = 'ConflictError' as const;
  override readonly code = 'CONFLICT' as const;
  /** The destination tag. */
  readonly image: string;
  /** How many read-merge-write rounds were tried. */
  readonly attempts: number;
  /** Why. */
  readonly reason: ConflictReason;
  /** The platforms at risk. */
  readonly platforms: string[];

  constructor(details: ConflictErrorDetails) {
    const { image, attempts } = details;
    const reason = details.reason ?? 'moving';
    const platforms = [...(details.platforms ?? [])];
    const atRisk = platforms.length > 0 ? `; at risk: ${platforms.join(', ')}` : '';
    const what: Record<ConflictReason, string> = {
      moving: `kept changing under this merge (${attempts} attempts); another writer is pushing to it`,
      overwritten: `kept losing what this merge pushed to other writers (${attempts} attempts)`,
      unverifiable: `was written by another writer while this merge pushed, and that list could not be read`,
    };
    super(`The destination '${image}' ${what[reason]}${atRisk}: run the merge again`, details);
    this.image = image;
    this.attempts = attempts;
    this.reason = reason;
    this.platforms = platforms;
  }
}
