// The one error line (src/cli/errors.ts): the code and a hint of what to do, for every code
// the library can produce, a registry's refusal, and errors that are not the library's.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatError } from '../../../src/cli/errors.js';
import {
  AuthenticationError,
  ClientsNotSetError,
  ConflictError,
  DestinationNotFoundError,
  DigestMismatchError,
  IncompatibleMediaTypeError,
  InvalidManifestListError,
  InvalidOptionError,
  InvalidReferenceError,
  ManifestTooLargeError,
  MissingChildrenError,
  NotFoundError,
  RegistryError,
  RequestAbortedError,
  RequestTimeoutError,
  UnsupportedOperationError,
} from '../../../src/errors/index.js';
import { lines, ROOT } from '../../support/cli.js';

describe('error lines name what to do', () => {
  const FALLBACK = /report it/;
  const hintOf = (line: string): string => {
    const m = /^manifest-list-merger: error: .+ \[([A-Z_]+)\]; (.+)\n$/.exec(line);
    expect(m, line).not.toBeNull();
    return (m as RegExpExecArray)[2] as string;
  };

  it.each([
    new InvalidReferenceError('A B', 'contains whitespace'),
    new InvalidOptionError('bad', 'destImage'),
    new ConflictError('r/a:b', 5),
    new NotFoundError('gone', { status: 404 }),
    new DestinationNotFoundError('r/a:b'),
    new AuthenticationError('no', { reason: 'credentials-rejected', status: 401 }),
    new RequestAbortedError('aborted'),
    new RegistryError('GET x answered HTTP 500', { status: 500, method: 'GET' }),
    new RegistryError('GET x failed: ECONNREFUSED', { method: 'GET' }, 'NETWORK_ERROR'),
    new DigestMismatchError('other bytes', {
      expected: `sha256:${'a'.repeat(64)}`,
      actual: `sha256:${'b'.repeat(64)}`,
      source: 'header',
    }),
    new ManifestTooLargeError('too large', 4 << 20),
    new RequestTimeoutError('no answer', 'attempt', 30_000),
    new InvalidManifestListError('not a list', 'mediaType', 'not-a-list'),
    new MissingChildrenError('r/a:b', [`sha256:${'c'.repeat(64)}`]),
    new IncompatibleMediaTypeError(['annotations']),
    new UnsupportedOperationError('getBlob', 'copy a child'),
    new ClientsNotSetError(),
  ])('%s', (error) => {
    const line = formatError(error, false);
    expect(lines(line)).toHaveLength(1);
    expect(line).toContain(`[${error.code}]`);
    expect(hintOf(line)).not.toMatch(FALLBACK);
  });

  it('has a hint of its own for every code the library can produce', () => {
    const dir = join(ROOT, 'src', 'errors');
    const codes = new Set<string>(['NETWORK_ERROR']);
    for (const name of readdirSync(dir)) {
      const text = readFileSync(join(dir, name), 'utf8');
      // The code each class passes to its base class, and the base's default.
      for (const call of text.matchAll(/super\(([\s\S]*?)\);\s*$/gm)) {
        for (const m of (call[1] as string).matchAll(/'([A-Z][A-Z_]{3,})'/g))
          codes.add(m[1] as string);
      }
      for (const m of text.matchAll(/code = '([A-Z][A-Z_]{3,})'/g)) codes.add(m[1] as string);
    }
    expect(codes.size).toBeGreaterThan(15);
    for (const code of codes) {
      const line = formatError(Object.assign(new Error('something failed'), { code }), false);
      expect(hintOf(line), code).not.toMatch(FALLBACK);
    }
  });

  it("a registry's refusal carries the status, its codes and a hint for the status", () => {
    const put = new RegistryError(
      'PUT http://127.0.0.1:5000/v2/a/manifests/b answered HTTP 405: UNSUPPORTED The operation is unsupported.',
      { method: 'PUT', status: 405, registryCodes: ['UNSUPPORTED'] },
    );
    const line = formatError(put, false);
    expect(line).toContain(
      'answered HTTP 405: UNSUPPORTED The operation is unsupported [REGISTRY_ERROR]',
    );
    expect(hintOf(line)).toMatch(/accepts pushes to this repository/);
    // Status and codes the message does not name are added.
    const bare = formatError(
      new RegistryError('the upload failed', {
        method: 'PATCH',
        status: 403,
        registryCodes: ['DENIED'],
      }),
      false,
    );
    expect(bare).toContain('the upload failed (HTTP 403; registry codes: DENIED) [REGISTRY_ERROR]');
    expect(hintOf(bare)).toMatch(/may push to this repository/);
    const busy = formatError(new RegistryError('GET x', { method: 'GET', status: 503 }), false);
    expect(hintOf(busy)).toMatch(/try again later/);
  });

  it("errors that are not the library's get a hint too", () => {
    for (const error of [
      new Error('something odd'),
      'a string',
      Object.assign(new Error("EACCES: permission denied, open '/x'"), { code: 'EACCES' }),
    ]) {
      const line = formatError(error, false);
      expect(lines(line)).toHaveLength(1);
      expect(line).toMatch(/; \S.+\n$/);
    }
    expect(formatError(Object.assign(new Error('x'), { code: 'EACCES' }), false)).toMatch(
      /system error \(EACCES\)/,
    );
  });
});
