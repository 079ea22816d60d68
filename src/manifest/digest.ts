import { createHash } from 'node:crypto';
import { UnsupportedDigestAlgorithmError } from '../errors/unsupported-digest-algorithm-error.js';

/** The digest algorithms this library computes, with the length of their hex encoding. */
export const DIGEST_HEX_LENGTH = { sha256: 64, sha512: 128 } as const;

/** A digest algorithm this library computes. */
export type DigestAlgorithm = keyof typeof DIGEST_HEX_LENGTH;

/** True when `name` is an algorithm of {@link DIGEST_HEX_LENGTH}. */
export function isSupportedAlgorithm(name: string): name is DigestAlgorithm {
  return Object.hasOwn(DIGEST_HEX_LENGTH, name);
}

/**
 * The algorithm of a digest (`sha512:…` → `sha512`), or of an algorithm name given alone.
 *
 * @throws {UnsupportedDigestAlgorithmError} for anything but `sha256` and `sha512`.
 */
export function algorithmOf(digest: string): DigestAlgorithm {
  const colon = digest.indexOf(':');
  const name = colon < 0 ? digest : digest.slice(0, colon);
  if (!isSupportedAlgorithm(name)) throw new UnsupportedDigestAlgorithmError(digest);
  return name;
}

/**
 * `algorithm:hex` of `bytes`, the algorithm taken from `like` (a digest such as
 * `sha512:…`, or an algorithm name): the digest to compare with `like`.
 *
 * @param like - a digest or algorithm name; `sha256` when omitted.
 * @throws {UnsupportedDigestAlgorithmError} when `like` names an algorithm other than `sha256` or `sha512`.
 */
export function digestOf(bytes: Uint8Array | string, like = 'sha256'): string {
  const algorithm = algorithmOf(like);
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}
