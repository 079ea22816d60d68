// The public surface is deliberate: every runtime name src/index.ts exports is listed here, so
// that widening (or narrowing) it is a decision made in review, not a side effect of a re-export.
import { describe, expect, it } from 'vitest';
import * as lib from '../../src/index.js';

const ERRORS = [
  'AuthenticationError',
  'ClientsNotSetError',
  'ConflictError',
  'CredentialSourceError',
  'DestinationNotFoundError',
  'DestinationUnreadableError',
  'DigestMismatchError',
  'DuplicatePlatformError',
  'IncompatibleMediaTypeError',
  'InvalidChildManifestError',
  'InvalidDigestError',
  'InvalidManifestListError',
  'InvalidOptionError',
  'InvalidReferenceError',
  'ManifestListMergerError',
  'ManifestTooLargeError',
  'MissingChildrenError',
  'NestingTooDeepError',
  'NetworkError',
  'NothingSelectedError',
  'NotFoundError',
  'PreconditionFailedError',
  'ReferrerCopyError',
  'RegistryError',
  'RequestAbortedError',
  'RequestTimeoutError',
  'UnknownPlatformError',
  'UnsupportedOperationError',
];

const OTHERS = [
  // the clients and the merger
  'HttpRegistryClient',
  'InMemoryRegistryClient',
  'ManifestListMerger',
  'mergeMany',
  'shardJobs',
  // error guards, also across realms and copies of the package
  'hasErrorCode',
  'isManifestListMergerError',
  'isNotFoundError',
  'isPreconditionFailedError',
  // lists, entries and references as data
  'MediaTypes',
  'computeDigest',
  'entryKind',
  'formatPlatform',
  'normalizeMediaType',
  'normalizePlatform',
  'parseImageReference',
  'parseManifestList',
  'serializeManifestList',
  // the pure merge functions
  'addMissingArchitectures',
  'describeMerge',
  'getMissingArchitectures',
  'listsEqual',
  'selectArchitectures',
];

describe('src/index.ts', () => {
  it('exports exactly the deliberate runtime names', () => {
    expect(Object.keys(lib).sort()).toEqual([...ERRORS, ...OTHERS].sort());
  });

  it('exports every error class as a subclass of ManifestListMergerError', () => {
    for (const name of ERRORS) {
      const cls = (lib as Record<string, unknown>)[name] as { prototype: unknown };
      const isSubclass = cls.prototype instanceof lib.ManifestListMergerError;
      expect(isSubclass || name === 'ManifestListMergerError').toBe(true);
    }
  });
});
