import { RegistryError, type RegistryErrorDetails } from './registry-error.js';

/**
 * What a {@link DigestMismatchError}'s bytes were compared with: the `docker-content-digest`
 * header, the digest the reference asked for, or the digest a push answered.
 */
export type DigestMismatchSource = 'header' | 'reference' | 'push-response';

/** Details of a {@link DigestMismatchError}. */
export interface DigestMismatchErrorDetails extends Omit<RegistryErrorDetails, 'problem'> {
  /** The digest the bytes should have had. */
  expected: string;
  /** The digest of the bytes (for `push-response`: the digest the registry answered). */
  actual: string;
  /** Where `expected` came from. */
  source: DigestMismatchSource;
  /** What the bytes are. @default 'manifest' */
  kind?: 'manifest' | 'blob' | undefined;
  /** For a push to a tag: the digest the tag resolves to now, when it was read back. */
  resolvesTo?: string | undefined;
}

/**
 * The bytes of a manifest or blob do not hash to the digest they were announced with: a
 * corrupt or tampered body, or a registry that rewrote what was pushed.
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
  override readonly name = 'DigestMismatchError' as const;
  override readonly code = 'DIGEST_MISMATCH' as const;
  /** The digest the bytes should have had. */
  readonly expected: string;
  /** The digest of the bytes (for `push-response`: the digest the registry answered). */
  readonly actual: string;
  /** Where `expected` came from. */
  readonly source: DigestMismatchSource;
  /** What the bytes are. */
  readonly kind: 'manifest' | 'blob';
  /** For a push to a tag: the digest the tag resolves to now, if it was read back. */
  readonly resolvesTo: string | undefined;

  constructor(details: DigestMismatchErrorDetails) {
    super(details);
    this.expected = details.expected;
    this.actual = details.actual;
    this.source = details.source;
    this.kind = details.kind ?? 'manifest';
    this.resolvesTo = details.resolvesTo;
  }

  protected static override describe(details: DigestMismatchErrorDetails): string {
    const { expected, actual, reference } = details;
    const kind = details.kind ?? 'manifest';
    if (details.source === 'push-response') {
      const now =
        details.resolvesTo === undefined
          ? ''
          : `: the tag was written; it now resolves to ${details.resolvesTo}`;
      return `The registry stored the ${kind} pushed${reference ? ` to ${reference}` : ''} as ${actual}, but its bytes have digest ${expected}${now}`;
    }
    if (details.source === 'header') {
      return `The ${kind} fetched${reference ? ` for ${reference}` : ''} does not match its docker-content-digest ${expected}: its bytes have digest ${actual}`;
    }
    const verb = details.method === 'PUT' ? 'pushed to' : 'fetched from';
    return `The bytes of ${kind} ${expected}${reference ? ` ${verb} ${reference}` : ''} have digest ${actual}`;
  }
}
