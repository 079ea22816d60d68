// Every error class: one constructor shape (domain values and `cause`), a literal `name` that
// survives minification, a `code` of the ErrorCode union, and a message composed from the
// details that never says "undefined".
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'tsup';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../src/errors/codes.js';
import * as errors from '../../../src/errors/index.js';

const {
  AuthenticationError,
  ClientsNotSetError,
  ConflictError,
  CredentialSourceError,
  DestinationNotFoundError,
  DestinationUnreadableError,
  DigestMismatchError,
  DuplicatePlatformError,
  IncompatibleMediaTypeError,
  InvalidChildManifestError,
  InvalidDigestError,
  InvalidManifestListError,
  InvalidOptionError,
  InvalidReferenceError,
  ManifestListMergerError,
  ManifestTooLargeError,
  MissingChildrenError,
  NestingTooDeepError,
  NetworkError,
  NotFoundError,
  NothingSelectedError,
  PreconditionFailedError,
  ReferrerCopyError,
  RegistryError,
  RequestAbortedError,
  RequestTimeoutError,
  UnknownPlatformError,
  UnsupportedOperationError,
} = errors;

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const URL_ = 'https://quay.io/v2/ns/app/manifests/1.0';
const cause = new Error('the cause');

type Row = [name: string, code: string, build: () => errors.ManifestListMergerError, says: RegExp];

/** One row per class: its literal name, its code, and what its message says. */
const CLASSES: Row[] = [
  [
    'AuthenticationError',
    'AUTHENTICATION_FAILED',
    () => new AuthenticationError({ reason: 'credentials-rejected', host: 'quay.io', cause }),
    /rejected the credentials for quay\.io/,
  ],
  ['ClientsNotSetError', 'CLIENTS_NOT_SET', () => new ClientsNotSetError({ cause }), /setClients/],
  [
    'ConflictError',
    'CONFLICT',
    () => new ConflictError({ image: 'r/a:b', attempts: 5, platforms: ['linux/amd64'], cause }),
    /'r\/a:b' kept changing .*\(5 attempts\).*at risk: linux\/amd64/,
  ],
  [
    'CredentialSourceError',
    'CREDENTIAL_SOURCE_FAILED',
    () => new CredentialSourceError({ reason: 'invalid-json', source: '/x/config.json', cause }),
    /Credential file \/x\/config\.json is not valid JSON/,
  ],
  [
    'DestinationNotFoundError',
    'DESTINATION_NOT_FOUND',
    () => new DestinationNotFoundError({ image: 'r/a:b', cause }),
    /'r\/a:b' does not exist/,
  ],
  [
    'DestinationUnreadableError',
    'DESTINATION_UNREADABLE',
    () => new DestinationUnreadableError({ image: 'r/a:b', cause }),
    /'r\/a:b' cannot be read/,
  ],
  [
    'DigestMismatchError',
    'DIGEST_MISMATCH',
    () => new DigestMismatchError({ expected: A, actual: B, source: 'reference', cause }),
    new RegExp(`manifest ${A} have digest ${B}`),
  ],
  [
    'IncompatibleMediaTypeError',
    'INCOMPATIBLE_MEDIA_TYPE',
    () => new IncompatibleMediaTypeError({ fields: ['annotations'], cause }),
    /cannot carry annotations/,
  ],
  [
    'InvalidChildManifestError',
    'INVALID_CHILD_MANIFEST',
    () =>
      new InvalidChildManifestError({
        digest: A,
        image: 'r/a:b',
        field: '',
        reason: 'invalid-json',
        problem: 'it is not JSON',
        cause,
      }),
    /of 'r\/a:b' cannot be copied: it is not JSON/,
  ],
  [
    'DuplicatePlatformError',
    'DUPLICATE_PLATFORM',
    () =>
      new DuplicatePlatformError({
        image: 'r/a:b',
        duplicates: [{ platform: 'linux/amd64', indexes: [0, 2] }],
        cause,
      }),
    /'r\/a:b' lists a platform more than once: linux\/amd64 \(manifests\[0\], manifests\[2\]\)/,
  ],
  [
    'InvalidDigestError',
    'INVALID_DIGEST',
    () => new InvalidDigestError({ digest: 'md5:0', reason: 'unsupported-algorithm', cause }),
    /Unsupported digest algorithm in 'md5:0'/,
  ],
  [
    'InvalidManifestListError',
    'INVALID_MANIFEST_LIST',
    () =>
      new InvalidManifestListError({
        problem: 'schemaVersion must be 2, got 1',
        field: 'schemaVersion',
        reason: 'schema-version',
        image: 'r/a:b',
        side: 'source',
        cause,
      }),
    /The source image 'r\/a:b' is not a valid manifest list: schemaVersion must be 2/,
  ],
  [
    'InvalidOptionError',
    'INVALID_OPTION',
    () => new InvalidOptionError({ option: 'maxAttempts', problem: 'must be 1 or more', cause }),
    /^Option 'maxAttempts' must be 1 or more$/,
  ],
  [
    'InvalidReferenceError',
    'INVALID_REFERENCE',
    () => new InvalidReferenceError({ reference: 'A B', problem: 'contains whitespace', cause }),
    /^Invalid image reference 'A B': contains whitespace$/,
  ],
  [
    'ManifestTooLargeError',
    'MANIFEST_TOO_LARGE',
    () => new ManifestTooLargeError({ reference: 'r/a:b', size: 9, limit: 8, cause }),
    /^The manifest for r\/a:b is 9 bytes, larger than the limit of 8 bytes$/,
  ],
  [
    'MissingChildrenError',
    'MISSING_CHILDREN',
    () => new MissingChildrenError({ image: 'r/a:b', digests: [A], cause }),
    /lacks 1 manifest\(s\)/,
  ],
  [
    'NestingTooDeepError',
    'NESTING_TOO_DEEP',
    () => new NestingTooDeepError({ digest: A, image: 'r/a:b', limit: 8, cause }),
    /nested more than 8 level/,
  ],
  [
    'NetworkError',
    'NETWORK_ERROR',
    () =>
      new NetworkError({
        method: 'GET',
        url: URL_,
        cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }),
      }),
    new RegExp(`^GET ${URL_} failed: ECONNRESET$`),
  ],
  [
    'NotFoundError',
    'NOT_FOUND',
    () =>
      new NotFoundError({
        reference: 'quay.io/ns/app:1.0',
        method: 'GET',
        url: URL_,
        status: 404,
        registryCodes: ['MANIFEST_UNKNOWN'],
        registryMessage: 'MANIFEST_UNKNOWN manifest unknown',
        cause,
      }),
    new RegExp(
      `^quay.io/ns/app:1.0 not found \\(GET ${URL_} answered HTTP 404: MANIFEST_UNKNOWN manifest unknown\\)$`,
    ),
  ],
  [
    'NothingSelectedError',
    'NOTHING_SELECTED',
    () =>
      new NothingSelectedError({
        image: 'r/a:b',
        eligibleArchs: ['amd46'],
        available: ['linux/amd64'],
        empty: true,
        cause,
      }),
    /amd46 is in the source image 'r\/a:b' \(it has linux\/amd64\): the list would be empty/,
  ],
  [
    'PreconditionFailedError',
    'PRECONDITION_FAILED',
    () => new PreconditionFailedError({ reference: 'r/a:b', status: 412, cause }),
    /^r\/a:b changed since it was read: a precondition failed \(HTTP 412\)$/,
  ],
  [
    'ReferrerCopyError',
    'REFERRER_COPY_FAILED',
    () =>
      new ReferrerCopyError({
        referrer: A,
        subject: B,
        image: 'r/a:b',
        missingKind: 'blob',
        missing: B,
        cause,
      }),
    /^Referrer sha256:a+ of sha256:b+ cannot be copied from 'r\/a:b': its blob sha256:b+ is missing there; the list was not pushed/,
  ],
  [
    'RegistryError',
    'REGISTRY_ERROR',
    () => new RegistryError({ method: 'GET', url: URL_, status: 500, cause }),
    new RegExp(`^GET ${URL_} answered HTTP 500$`),
  ],
  [
    'RequestAbortedError',
    'ABORTED',
    () => new RequestAbortedError({ method: 'GET', url: URL_, cause }),
    new RegExp(`^The call was aborted \\(GET ${URL_}\\)$`),
  ],
  [
    'RequestTimeoutError',
    'TIMEOUT',
    () => new RequestTimeoutError({ timeoutKind: 'deadline', timeoutMs: 60_000, cause }),
    /^The call did not finish within its deadline of 60000 ms$/,
  ],
  [
    'UnknownPlatformError',
    'UNKNOWN_PLATFORM',
    () =>
      new UnknownPlatformError({
        image: 'r/a:b',
        side: 'source',
        reason: 'no-platform',
        problem: 'its config names no os and architecture',
        configDigest: A,
        cause,
      }),
    /source image 'r\/a:b' is a single image whose platform cannot be read: its config names/,
  ],
  [
    'UnsupportedOperationError',
    'UNSUPPORTED_OPERATION',
    () => new UnsupportedOperationError({ method: 'getBlob', purpose: `copy blob ${A}`, cause }),
    /no getBlob\(\) method, needed to copy blob/,
  ],
];

describe('every error class', () => {
  it.each(CLASSES)('%s: name, code, cause and message', (name, code, make, says) => {
    const error = make();
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(error).toBeInstanceOf(ManifestListMergerError);
    expect(errors.isManifestListMergerError(error)).toBe(true);
    expect(error.message).toMatch(says);
    expect(error.message).not.toMatch(/undefined|\[object/);
    expect(String(error.stack)).toMatch(new RegExp(`^${name}: `));
    expect(error.toJSON()).toMatchObject({ name, code, message: error.message });
    expect((error.cause as Error | undefined)?.message).toBe(
      name === 'NetworkError' ? 'x' : 'the cause',
    );
  });

  it('has one row per exported class, and each ErrorCode is some class’s code', () => {
    const classes = Object.entries(errors)
      .filter(([, value]) => typeof value === 'function' && value.prototype instanceof Error)
      .map(([key]) => key)
      .filter((key) => key !== 'ManifestListMergerError');
    expect(CLASSES.map(([name]) => name).sort()).toEqual(classes.sort());
    expect(CLASSES.map(([, code]) => code).sort()).toEqual([...ERROR_CODES].sort());
  });

  it('keeps its literal name when the library is minified', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlm-minified-'));
    try {
      await build({
        entry: { errors: resolve(import.meta.dirname, '../../../src/errors/index.ts') },
        format: ['esm'],
        outDir: dir,
        minify: true,
        silent: true,
        config: false,
        dts: false,
        sourcemap: false,
      });
      const minified = (await import(pathToFileURL(join(dir, 'errors.js')).href)) as typeof errors;
      expect(minified.ConflictError.name).not.toBe('ConflictError'); // it really was minified
      const conflict = new minified.ConflictError({ image: 'r/a:b', attempts: 1 });
      expect(conflict.name).toBe('ConflictError');
      expect(new minified.NotFoundError({ status: 404 }).name).toBe('NotFoundError');
      expect(errors.isManifestListMergerError(conflict)).toBe(true); // another bundle's error
      expect(conflict).not.toBeInstanceOf(ManifestListMergerError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('messages composed from the details', () => {
  const auth = (details: Omit<errors.AuthenticationErrorDetails, 'reason'>) => ({
    ...details,
    method: 'GET',
    url: URL_,
    status: 401,
  });
  it.each([
    [
      new AuthenticationError({ reason: 'credentials-required', host: 'quay.io', ...auth({}) }),
      `The registry quay.io requires credentials and none were configured (GET ${URL_} answered HTTP 401)`,
    ],
    [
      new AuthenticationError({
        reason: 'credentials-rejected',
        realm: 'https://auth.example/token',
        status: 401,
      }),
      'The token endpoint https://auth.example/token rejected the credentials (HTTP 401)',
    ],
    [
      new AuthenticationError({
        reason: 'token-endpoint-failed',
        realm: 'https://a/t',
        status: 500,
      }),
      'The token endpoint https://a/t answered HTTP 500',
    ],
    [
      new AuthenticationError({
        reason: 'access-denied',
        reference: 'quay.io/ns/app:1.0',
        actions: ['pull', 'push'],
        ...auth({}),
      }),
      `The credentials were accepted but may not pull,push quay.io/ns/app:1.0 (GET ${URL_} answered HTTP 401)`,
    ],
    [
      new AuthenticationError({
        reason: 'foreign-challenge',
        ...auth({}),
        redirectedTo: 'https://storage.example/x?sig=1',
      }),
      `GET ${URL_} was redirected to https://storage.example, which answered 401`,
    ],
    [
      new CredentialSourceError({ reason: 'not-a-file', source: '/c.json', detail: 'a FIFO' }),
      'Credential file /c.json is a FIFO, not a regular file',
    ],
    [
      new CredentialSourceError({
        reason: 'helper-timeout',
        source: 'docker-credential-x',
        limit: 500,
      }),
      'Credential helper docker-credential-x did not answer within 500 ms; it was killed',
    ],
    [
      new DigestMismatchError({
        expected: A,
        actual: B,
        source: 'push-response',
        reference: 'r/a:b',
        resolvesTo: B,
      }),
      `The registry stored the manifest pushed to r/a:b as ${B}, but its bytes have digest ${A}: the tag was written; it now resolves to ${B}`,
    ],
    [
      new RequestTimeoutError({
        timeoutKind: 'attempt',
        timeoutMs: 30_000,
        attempts: 3,
        method: 'GET',
        url: URL_,
      }),
      `GET ${URL_}: nothing received for 30000 ms (after 3 attempts at most)`,
    ],
    [
      new RegistryError({
        method: 'POST',
        url: URL_,
        status: 202,
        problem: 'answered 202 without an upload location',
      }),
      `POST ${URL_}: answered 202 without an upload location`,
    ],
    [
      new InvalidOptionError({ option: 'MLM_X_MS', problem: 'must be a positive number' }),
      'The environment variable MLM_X_MS must be a positive number',
    ],
  ])('%#: %s', (error, message) => {
    expect(error.message).toContain(message);
  });

  it('takes credentials out of the URLs and texts it is given', () => {
    const error = new NotFoundError({
      url: 'https://robot:hunter2@quay.io/v2/x?access_token=abc',
      status: 404,
      registryMessage: 'DENIED token=abc',
    });
    const shown = `${error.message} ${JSON.stringify(error)} ${error.url} ${error.registryMessage}`;
    expect(shown).not.toMatch(/hunter2|=abc/);
  });
});
