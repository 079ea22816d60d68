import { RegistryError, type RegistryErrorDetails } from './registry-error.js';

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
  /** The limit in bytes that was exceeded. */
  readonly limit: number;

  constructor(message: string, limit: number, details: RegistryErrorDetails = {}) {
    super(message, details, 'MANIFEST_TOO_LARGE');
    this.limit = limit;
  }
}
