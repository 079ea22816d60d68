import { RegistryError, type RegistryErrorDetails, requestOf } from './registry-error.js';

/** Details of a {@link ManifestTooLargeError}. */
export interface ManifestTooLargeErrorDetails extends Omit<RegistryErrorDetails, 'problem'> {
  /** The limit in bytes that was exceeded. */
  limit: number;
  /** The manifest's size in bytes, when known (a push); a download stops at the limit. */
  size?: number | undefined;
}

/**
 * A manifest is larger than the client's `maxManifestBytes` (4 MiB by default). A download is
 * aborted as soon as it passes the limit; a push is refused before it is sent.
 *
 * @example
 * ```ts
 * try {
 *   await client.getManifest('quay.io/ns/huge:1.0');
 * } catch (error) {
 *   if (error instanceof ManifestTooLargeError) console.error(error.limit);
 * }
 * ```
 */
export class ManifestTooLargeError extends RegistryError {
  override readonly name = 'ManifestTooLargeError' as const;
  override readonly code = 'MANIFEST_TOO_LARGE' as const;
  /** The limit in bytes that was exceeded. */
  readonly limit: number;
  /** The manifest's size in bytes, if known. */
  readonly size: number | undefined;

  constructor(details: ManifestTooLargeErrorDetails) {
    super(details);
    this.limit = details.limit;
    this.size = details.size;
  }

  protected static override describe(details: ManifestTooLargeErrorDetails): string {
    const request = requestOf(details);
    const subject =
      details.reference !== undefined
        ? `The manifest for ${details.reference}`
        : request !== undefined
          ? `The body of ${request}`
          : 'The manifest';
    const size = details.size === undefined ? '' : `${details.size} bytes, `;
    return `${subject} is ${size}larger than the limit of ${details.limit} bytes`;
  }
}
