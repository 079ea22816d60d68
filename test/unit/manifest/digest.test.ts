// src/manifest/digest.ts: the one home of "which hash checks which bytes".
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidDigestError } from '../../../src/errors/index.js';
import { algorithmOf, createDigester, digestOf } from '../../../src/manifest/digest.js';
import { computeDigest } from '../../../src/manifest/serialize.js';

const bytes = new TextEncoder().encode('{"schemaVersion":2}');
const hex = (algorithm: string) => createHash(algorithm).update(bytes).digest('hex');

describe('digests by algorithm', () => {
  it.each([
    ['sha256', 'sha256'],
    ['sha512', 'sha512'],
    [`sha256:${'a'.repeat(64)}`, 'sha256'],
    [`sha512:${'b'.repeat(128)}`, 'sha512'],
  ])('algorithmOf(%s) = %s', (input, algorithm) => {
    expect(algorithmOf(input)).toBe(algorithm);
  });

  it.each([
    [`sha384:${'a'.repeat(96)}`, 'unsupported-algorithm'],
    ['md5:d41d8cd98f00b204e9800998ecf8427e', 'unsupported-algorithm'],
    ['blake3:abc', 'unsupported-algorithm'],
    ['sha256:abc', 'malformed'],
    [`sha512:${'a'.repeat(64)}`, 'malformed'],
    ['../x', 'malformed'],
    ['', 'malformed'],
  ])('algorithmOf(%j) throws InvalidDigestError %s', (input, reason) => {
    let error: unknown;
    try {
      algorithmOf(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidDigestError);
    expect((error as InvalidDigestError).reason).toBe(reason);
    expect((error as InvalidDigestError).code).toBe('INVALID_DIGEST');
  });

  it('hashes with the algorithm of the digest it is compared with, sha256 by default', () => {
    expect(digestOf(bytes)).toBe(`sha256:${hex('sha256')}`);
    expect(digestOf(bytes, `sha512:${'0'.repeat(128)}`)).toBe(`sha512:${hex('sha512')}`);
    expect(digestOf(bytes, 'sha512')).toBe(`sha512:${hex('sha512')}`);
    expect(() => digestOf(bytes, `sha384:${'0'.repeat(96)}`)).toThrow(InvalidDigestError);
    expect(computeDigest(bytes)).toBe(digestOf(bytes));
  });

  it('streams: chunks give the same digest as the whole', () => {
    for (const algorithm of ['sha256', 'sha512'] as const) {
      const hasher = createDigester(algorithm);
      hasher.update(bytes.subarray(0, 5));
      hasher.update(bytes.subarray(5));
      expect(hasher.digest()).toBe(digestOf(bytes, algorithm));
    }
  });
});
