// The one error line (src/cli/errors.ts): the code and a hint of what to do, for every code
// the library can produce, a registry's refusal, and errors that are not the library's.
import { describe, expect, it } from 'vitest';
import { formatError } from '../../../src/cli/errors.js';
import { ERROR_CODES } from '../../../src/errors/codes.js';
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
  NetworkError,
  NotFoundError,
  RegistryError,
  RequestAbortedError,
  RequestTimeoutError,
  UnsupportedOperationError,
} from '../../../src/errors/index.js';
import { lines } from '../../support/cli.js';

describe('error lines name what to do', () => {
  const FALLBACK = /report it/;
  const hintOf = (line: string): string => {
    const m = /^manifest-list-merger: error: .+ \[([A-Z_]+)\]; (.+)\n$/.exec(line);
    expect(m, line).not.toBeNull();
    return (m as RegExpExecArray)[2] as string;
  };

  it.each([
    new InvalidReferenceError({ reference: 'A B', problem: 'contains whitespace' }),
    new InvalidOptionError({ option: 'destImage', problem: 'is bad' }),
    new ConflictError({ image: 'r/a:b', attempts: 5 }),
    new NotFoundError({ status: 404 }),
    new DestinationNotFoundError({ image: 'r/a:b' }),
    new AuthenticationError({ reason: 'credentials-rejected', status: 401 }),
    new RequestAbortedError(),
    new RegistryError({ method: 'GET', url: 'x', status: 500 }),
    new NetworkError({ method: 'GET', url: 'x', detail: 'ECONNREFUSED' }),
    new DigestMismatchError({
      expected: `sha256:${'a'.repeat(64)}`,
      actual: `sha256:${'b'.repeat(64)}`,
      source: 'header',
    }),
    new ManifestTooLargeError({ limit: 4 << 20 }),
    new RequestTimeoutError({ timeoutKind: 'attempt', timeoutMs: 30_000 }),
    new InvalidManifestListError({
      problem: 'not a list',
      field: 'mediaType',
      reason: 'not-a-list',
    }),
    new MissingChildrenError({ image: 'r/a:b', digests: [`sha256:${'c'.repeat(64)}`] }),
    new IncompatibleMediaTypeError({ fields: ['annotations'] }),
    new UnsupportedOperationError({ method: 'getBlob', purpose: 'copy a child' }),
    new ClientsNotSetError(),
  ])('%s', (error) => {
    const line = formatError(error, false);
    expect(lines(line)).toHaveLength(1);
    expect(line).toContain(`[${error.code}]`);
    expect(hintOf(line)).not.toMatch(FALLBACK);
  });

  it('has a hint of its own for every code the library can produce', () => {
    // Every code of the library, and the CLI's own but USAGE (printed without its code).
    const codes = new Set<string>([...ERROR_CODES, 'OUTPUT_FAILED']);
    expect(codes.size).toBeGreaterThan(20);
    for (const code of codes) {
      const line = formatError(Object.assign(new Error('something failed'), { code }), false);
      expect(hintOf(line), code).not.toMatch(FALLBACK);
    }
  });

  it("a registry's refusal carries the status, its codes and a hint for the status", () => {
    const put = new RegistryError({
      method: 'PUT',
      url: 'http://127.0.0.1:5000/v2/a/manifests/b',
      status: 405,
      registryCodes: ['UNSUPPORTED'],
      registryMessage: 'UNSUPPORTED The operation is unsupported.',
    });
    const line = formatError(put, false);
    expect(line).toContain(
      'answered HTTP 405: UNSUPPORTED The operation is unsupported [REGISTRY_ERROR]',
    );
    expect(hintOf(line)).toMatch(/accepts pushes to this repository/);
    // Status and codes the message does not name are added.
    const bare = formatError(
      new RegistryError({
        method: 'PATCH',
        status: 403,
        registryCodes: ['DENIED'],
        problem: 'the upload failed',
      }),
      false,
    );
    expect(bare).toContain('The upload failed (HTTP 403; registry codes: DENIED) [REGISTRY_ERROR]');
    expect(hintOf(bare)).toMatch(/may push to this repository/);
    const busy = formatError(new RegistryError({ method: 'GET', url: 'x', status: 503 }), false);
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
