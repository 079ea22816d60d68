import { ManifestListMergerError, type MergerErrorOptions } from './base-error.js';

/**
 * Why a {@link ConflictError} was thrown.
 * - `moving`: the tag kept changing between this merge's read and its write (a push of given
 *   bytes: it changed once); nothing of the last attempt was written.
 * - `overwritten`: other writers kept overwriting what this merge pushed (a push of given
 *   bytes: another writer's push and this one overwrote each other once); the platforms named
 *   may be missing from the tag now.
 * - `unverifiable`: a list another writer pushed while this merge's PUT was in flight could
 *   not be read, so what it held may have been overwritten.
 * - `unexpected-digest`: a push of given bytes found the tag holding another digest than
 *   the caller expected (`expectedDigest`, `actualDigest`); nothing was pushed.
 */
export type ConflictReason = 'moving' | 'overwritten' | 'unverifiable' | 'unexpected-digest';

/**
 * What wrote the tag: a merge (which merges again when another writer moved the tag, until
 * its attempts run out), or a push of given bytes (`pushManifestList`: the bytes are signed,
 * so they are never changed and the first conflict ends it).
 */
export type ConflictOperation = 'merge' | 'push';

/** Details of a {@link ConflictError}. */
export interface ConflictErrorDetails extends MergerErrorOptions {
  /** The destination tag. */
  image: string;
  /** How many read-merge-write rounds (a push: PUTs) were tried. */
  attempts: number;
  /** Why. @default 'moving' */
  reason?: ConflictReason;
  /** The platforms (or digests of entries without one) at risk. @default [] */
  platforms?: readonly string[];
  /** What wrote the tag. @default 'merge' */
  operation?: ConflictOperation;
  /**
   * For `unexpected-digest`: the digest the caller expected the tag to hold, `null` for "the
   * tag does not exist".
   * @default undefined
   */
  expectedDigest?: string | null | undefined;
  /**
   * For `unexpected-digest`: the digest the tag held, `null` when it did not exist.
   * @default undefined
   */
  actualDigest?: string | null | undefined;
}

const MERGE_TEXT: Record<ConflictReason, (d: ConflictErrorDetails) => string> = {
  moving: (d) =>
    `kept changing under this merge (${d.attempts} attempts); another writer is pushing to it`,
  overwritten: (d) =>
    `kept losing what this merge pushed to other writers (${d.attempts} attempts)`,
  unverifiable: () =>
    'was written by another writer while this merge pushed, and that list could not be read',
  'unexpected-digest': (d) => unexpected(d),
};

const PUSH_TEXT: Record<ConflictReason, (d: ConflictErrorDetails) => string> = {
  moving: () =>
    'changed while the list was being pushed (another writer is pushing to it); nothing was pushed',
  overwritten: () =>
    "was written by another writer while the list was pushed, and that writer's push and this one overwrote each other",
  unverifiable: () =>
    'was written by another writer while the list was pushed, and that list could not be read',
  'unexpected-digest': (d) => `${unexpected(d)}; nothing was pushed`,
};

function unexpected(d: ConflictErrorDetails): string {
  const held = d.actualDigest ? `holds ${d.actualDigest}` : 'does not exist';
  const expected = d.expectedDigest ? `expected ${d.expectedDigest}` : 'expected no tag';
  return `${held} (${expected}): the list was computed from another state of the tag`;
}

/**
 * Other writers of the destination tag kept this merge from making sure that what it adds is
 * in the tag. `platforms` names what is at risk; run the merge again (it is idempotent).
 *
 * A push of given bytes (`operation: 'push'`) fails at the first conflict, and when the tag
 * does not hold the digest the caller expected (`reason: 'unexpected-digest'`): its bytes are
 * signed and cannot be merged again; compute the list again from the tag as it is now.
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
  /** How many read-merge-write rounds (a push: PUTs) were tried. */
  readonly attempts: number;
  /** Why. */
  readonly reason: ConflictReason;
  /** The platforms at risk. */
  readonly platforms: string[];
  /** What wrote the tag: a merge, or a push of given bytes. */
  readonly operation: ConflictOperation;
  /** For `unexpected-digest`: the digest expected (`null`: no tag); else `undefined`. */
  readonly expectedDigest: string | null | undefined;
  /** For `unexpected-digest`: the digest the tag held (`null`: no tag); else `undefined`. */
  readonly actualDigest: string | null | undefined;

  constructor(details: ConflictErrorDetails) {
    const { image, attempts } = details;
    const reason = details.reason ?? 'moving';
    const operation = details.operation ?? 'merge';
    const platforms = [...(details.platforms ?? [])];
    const atRisk = platforms.length > 0 ? `; at risk: ${platforms.join(', ')}` : '';
    const text = (operation === 'push' ? PUSH_TEXT : MERGE_TEXT)[reason](details);
    const next =
      operation === 'push'
        ? 'compute the list again from the tag as it is now, and sign and push that'
        : 'run the merge again';
    super(`The destination '${image}' ${text}${atRisk}: ${next}`, details);
    this.image = image;
    this.attempts = attempts;
    this.reason = reason;
    this.platforms = platforms;
    this.operation = operation;
    this.expectedDigest = details.expectedDigest;
    this.actualDigest = details.actualDigest;
  }
}
