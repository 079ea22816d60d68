import { ManifestListMergerError, type MergerErrorOptions } from './base-error.js';

/**
 * Why the platform of a single-image manifest could not be read (see
 * {@link UnknownPlatformError}):
 * - `no-config`: the manifest names no valid `config` descriptor;
 * - `config-too-large`: the config blob is larger than a config can be (1 MiB);
 * - `invalid-config`: the config blob is not a UTF-8 JSON object, or not of its size;
 * - `no-platform`: the config names no `os` and `architecture` (and no fallback platform was
 *   given for it).
 */
export type UnknownPlatformReason =
  | 'no-config'
  | 'config-too-large'
  | 'invalid-config'
  | 'no-platform';

/** Details of an {@link UnknownPlatformError}. */
export interface UnknownPlatformErrorDetails extends MergerErrorOptions {
  /** The image whose platform is unknown. */
  image: string;
  /** Which side of the merge it is. */
  side: 'source' | 'destination';
  /** A machine-readable reason. */
  reason: UnknownPlatformReason;
  /** What is wrong, in words, e.g. `its config names no architecture`. */
  problem: string;
  /** The digest of the config blob, when the manifest names one. */
  configDigest?: string | undefined;
}

/**
 * A side of the merge is a single-image manifest (not a list), and its platform, which
 * should be in its config blob, could not be read. For the source, a fallback platform
 * (`platform: 'linux/arm64'`, CLI `--platform`) is used when the config names none. Nothing
 * was pushed.
 *
 * @example
 * ```ts
 * try {
 *   await merger.mergeManifestLists();
 * } catch (error) {
 *   if (error instanceof UnknownPlatformError && error.reason === 'no-platform') {
 *     // say which platform the image is for: new ManifestListMerger({ ..., platform: 'linux/arm64' })
 *   }
 * }
 * ```
 */
export class UnknownPlatformError extends ManifestListMergerError {
  override readonly name = 'UnknownPlatformError' as const;
  override readonly code = 'UNKNOWN_PLATFORM' as const;
  /** The image whose platform is unknown. */
  readonly image: string;
  /** Which side of the merge it is. */
  readonly side: 'source' | 'destination';
  /** A machine-readable reason. */
  readonly reason: UnknownPlatformReason;
  /** What is wrong, in words. */
  readonly problem: string;
  /** The digest of the config blob, when the manifest names one. */
  readonly configDigest: string | undefined;

  constructor(details: UnknownPlatformErrorDetails) {
    const { image, side, problem } = details;
    super(
      `The ${side} image '${image}' is a single image whose platform cannot be read: ${problem}`,
      details,
    );
    this.image = image;
    this.side = side;
    this.reason = details.reason;
    this.problem = problem;
    this.configDigest = details.configDigest;
  }
}
