import { createHash, type Hash } from 'node:crypto';
import { InvalidDigestError } from '../errors/invalid-digest-error.js';

/** The digest algorithms this library computes and checks, with the length of their hex. */
const HEX_LENGTH = { sha256: 64, sha512: 128 } as const;

/** The digest algorithms this library computes and checks. */
export type DigestAlgorithm = keyof typeof HEX_LENGTH;

/** Every {@link DigestAlgorithm}, in order of preference. */
export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = Object.freeze(['sha256', 'sha512']);

const isAlgorithm = (value: string): value is DigestAlgorithm => Object.hasOwn(HEX_LENGTH, value);

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/**
 * True when `digest` is a valid content digest: `algorithm:encoded` by the OCI grammar, and
 * for `sha256` / `sha512` exactly 64 / 128 lower-case hex characters. Other algorithms pass
 * (a list may name them); checking content against one is refused with an
 * {@link InvalidDigestError} (`unsupported-algorithm`).
 *
 * @example
 * ```ts
 * isValidDigest(`sha256:${'a'.repeat(64)}`); // true
 * isValidDigest('sha256:ABC');               // false
 * ```
 */
export function isValidDigest(digest: unknown): digest is string {
  if (typeof digest !== 'string' || !DIGEST.test(digest)) return false;
  const [algorithm, encoded = ''] = digest.split(':', 2) as [string, string];
  if (!isAlgorithm(algorithm)) return true;
  return encoded.length === HEX_LENGTH[algorithm] && /^[a-f0-9]+$/.test(encoded);
}

/**
 * The algorithm of a digest (`sha512:…` → `sha512`), or an algorithm name passed through.
 * The one place that decides which hash checks which bytes.
 *
 * @throws {InvalidDigestError} `malformed` for anything that is not a valid digest, and
 *   `unsupported-algorithm` for a valid one whose algorithm is not sha256 or sha512.
 * @example
 * ```ts
 * algorithmOf(`sha512:${'a'.repeat(128)}`); // 'sha512'
 * algorithmOf('sha256'); // 'sha256'
 * algorithmOf('md5:d41d8cd98f00b204e9800998ecf8427e'); // throws InvalidDigestError
 * ```
 */
export function algorithmOf(digestOrAlgorithm: string): DigestAlgorithm {
  if (typeof digestOrAlgorithm === 'string' && isAlgorithm(digestOrAlgorithm)) {
    return digestOrAlgorithm;
  }
  if (
    typeof digestOrAlgorithm === 'string' &&
    /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*$/.test(digestOrAlgorithm)
  ) {
    throw new InvalidDigestError({ digest: digestOrAlgorithm, reason: 'unsupported-algorithm' }); // a name alone
  }
  if (!isValidDigest(digestOrAlgorithm)) {
    throw new InvalidDigestError({ digest: String(digestOrAlgorithm), reason: 'malformed' });
  }
  const algorithm = digestOrAlgorithm.slice(0, digestOrAlgorithm.indexOf(':'));
  if (!isAlgorithm(algorithm)) {
    throw new InvalidDigestError({ digest: digestOrAlgorithm, reason: 'unsupported-algorithm' });
  }
  return algorithm;
}

/**
 * The digest of `bytes` with the algorithm of `algorithmOrDigest` (a digest it is to be
 * compared with, or an algorithm name).
 *
 * @param algorithmOrDigest - `sha256`, `sha512`, or a digest whose algorithm to use.
 * @default algorithmOrDigest 'sha256'
 * @throws {InvalidDigestError} when `algorithmOrDigest` is malformed or names another algorithm.
 * @example
 * ```ts
 * digestOf(new TextEncoder().encode('{}')); // 'sha256:44136fa…'
 * digestOf(bytes, expected) === expected; // compared with the algorithm of `expected`
 * ```
 */
export function digestOf(bytes: Uint8Array | string, algorithmOrDigest = 'sha256'): string {
  const algorithm = algorithmOf(algorithmOrDigest);
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** A streaming hasher made by {@link createDigester}. */
export interface Digester {
  /** The algorithm it hashes with. */
  readonly algorithm: DigestAlgorithm;
  /** Feeds more bytes. */
  update(chunk: Uint8Array): void;
  /** The digest of everything fed, `algorithm:hex`. Call once. */
  digest(): string;
}

/**
 * A streaming hasher with the algorithm of `algorithmOrDigest`, for bodies that are never
 * held whole in memory (blobs).
 *
 * @throws {InvalidDigestError} when `algorithmOrDigest` is malformed or names another algorithm.
 * @example
 * ```ts
 * const hasher = createDigester(expected);
 * for await (const chunk of stream) hasher.update(chunk);
 * if (hasher.digest() !== expected) throw new Error('corrupt');
 * ```
 */
export function createDigester(algorithmOrDigest = 'sha256'): Digester {
  const algorithm = algorithmOf(algorithmOrDigest);
  const hash: Hash = createHash(algorithm);
  return {
    algorithm,
    update: (chunk) => {
      hash.update(chunk);
    },
    digest: () => `${algorithm}:${hash.digest('hex')}`,
  };
}
