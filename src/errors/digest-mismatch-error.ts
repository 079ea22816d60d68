import { RegistryError, type RegistryErrorDetails } from './registry-error.js';

/**
 * What a {@link DigestMismatchError}'s bytes were compared with: the `docker-content-digest`
 * header, the digest the reference asked for, or the digest a push answered.
 */
export type DigestMismatchSource = 'header' | 'reference' | 'push-response';

/** Details of a {@link DigestMismatchError}. */
export interface DigestMismatchDetails extends RegistryErrorDetails {
  /** The digest the bytes should have had. */
  expected: string;
  /** The digest of the bytes. */
  actual: string;
  /** Where `expected` came from. */
  source: DigestMismatchSource;
}

/**
 * The bytes of a manifest do not hash to the digest they were announced with: a corrupt or
 * tampered body, or a registry that rewrote a pushed manifest.
 *
 * @example
 * ```ts
 * try {
 *   await client.getManifest('quay.io/ns/app@sha256:…');
 * } catch (error) {
 *   if (error instanceof DigestMismatchError) console.error(error.expected, error.actual);
 * }
 * ```
 */
export class DigestMismatchError extends RegistryError {
  /** The digest the bytes should have had. */
  readonly expected: string;
  /** The digest of the bytes. */
  readonly actual: string;
  /** Where `expected` came from. */
  readonly source: DigestMismatchSource;

  constructor(message: string, details: DigestMismatchDetails) {
    const { expected, actual, source, ...rest } = details;
    super(message, rest, 'DIGEST_MISMATCH');
    this.expected = expected;
    this.actual = actual;
    this.source = source;
  }
}
