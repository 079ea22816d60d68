// The cross-realm guards: by the library's mark and codes, never `instanceof`, so an error of
// another copy of the library (the built package, here) is recognised and a look-alike is not.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { errorCode } from '../../../src/errors/guards.js';
import {
  ConflictError,
  hasErrorCode,
  isManifestListMergerError,
  ManifestListMergerError,
  NetworkError,
  RequestTimeoutError,
} from '../../../src/errors/index.js';

// The package as built by the test setup: a second copy of every class.
const built = createRequire(import.meta.url)(
  resolve(import.meta.dirname, '../../../dist/index.cjs'),
) as typeof import('../../../src/index.js');

describe('isManifestListMergerError', () => {
  it.each([
    ['this copy', new ConflictError({ image: 'r/a:b', attempts: 1 }), true],
    ['the built package', new built.ConflictError({ image: 'r/a:b', attempts: 1 }), true],
    [
      'a foreign error with one of our codes',
      Object.assign(new Error('x'), { code: 'CONFLICT' }),
      false,
    ],
    ['a plain object', { code: 'CONFLICT', message: 'x' }, false],
    [
      'an error of another realm',
      runInNewContext("Object.assign(new Error('x'), { code: 'CONFLICT' })"),
      false,
    ],
    ['null', null, false],
    ['a string', 'CONFLICT', false],
  ])('%s → %s', (_, error, expected) => {
    expect(isManifestListMergerError(error)).toBe(expected);
  });

  it('recognises what instanceof does not', () => {
    const other = new built.NotFoundError({ status: 404 });
    expect(other).not.toBeInstanceOf(ManifestListMergerError);
    expect(hasErrorCode(other, 'NOT_FOUND')).toBe(true);
  });
});

describe('hasErrorCode', () => {
  const timeout = new RequestTimeoutError({ timeoutKind: 'attempt', timeoutMs: 1 });
  it.each([
    [timeout, 'TIMEOUT', true],
    [timeout, ['NETWORK_ERROR', 'TIMEOUT'], true],
    [timeout, 'NETWORK_ERROR', false],
    [new NetworkError({ detail: 'ECONNRESET' }), ['NETWORK_ERROR'], true],
    [Object.assign(new Error('x'), { code: 'TIMEOUT' }), 'TIMEOUT', false],
  ] as const)('%o, %o → %s', (error, code, expected) => {
    expect(hasErrorCode(error, code)).toBe(expected);
  });
});

describe('errorCode', () => {
  it.each([
    [new ConflictError({ image: 'r/a:b', attempts: 1 }), 'CONFLICT'],
    [Object.assign(new Error('x'), { code: 'ECONNRESET' }), 'ECONNRESET'],
    [{ code: 42 }, undefined],
    [undefined, undefined],
  ])('%o → %s', (error, code) => {
    expect(errorCode(error)).toBe(code);
  });
});
