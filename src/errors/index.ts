// The public errors of the library: one class a file, each taking one details object (its
// domain values and `cause`), with a literal `name` and a `code` of the ErrorCode union; the
// cross-realm guards of guards.ts. Listed by name, each on purpose.
//
// Deliberately left out (imported from their modules inside src/): `sanitizeCause` and
// `ERROR_BRAND` (how the base class keeps causes and marks its prototype), `ERROR_CODES` (the
// runtime list behind `ErrorCode`), `errorCode` (reads any error's code, foreign ones too;
// the CLI uses it) and the message helpers of registry-error.ts.

export {
  AuthenticationError,
  type AuthenticationErrorDetails,
  type AuthenticationFailureReason,
} from './authentication-error.js';
export { ManifestListMergerError, type MergerErrorOptions } from './base-error.js';
export { ClientsNotSetError } from './clients-not-set-error.js';
export type { ErrorCode, RegistryErrorCode } from './codes.js';
export {
  ConflictError,
  type ConflictErrorDetails,
  type ConflictOperation,
  type ConflictReason,
} from './conflict-error.js';
export {
  CredentialSourceError,
  type CredentialSourceErrorDetails,
  type CredentialSourceFailure,
} from './credential-source-error.js';
export {
  type DestinationErrorDetails,
  DestinationNotFoundError,
} from './destination-not-found-error.js';
export { DestinationUnreadableError } from './destination-unreadable-error.js';
export {
  DigestMismatchError,
  type DigestMismatchErrorDetails,
  type DigestMismatchSource,
} from './digest-mismatch-error.js';
export {
  type DuplicatedPlatform,
  DuplicatePlatformError,
  type DuplicatePlatformErrorDetails,
} from './duplicate-platform-error.js';
export { hasErrorCode, isManifestListMergerError } from './guards.js';
export {
  IncompatibleMediaTypeError,
  type IncompatibleMediaTypeErrorDetails,
} from './incompatible-media-type-error.js';
export {
  InvalidChildManifestError,
  type InvalidChildManifestErrorDetails,
  type InvalidChildManifestReason,
} from './invalid-child-manifest-error.js';
export {
  InvalidDigestError,
  type InvalidDigestErrorDetails,
  type InvalidDigestReason,
} from './invalid-digest-error.js';
export {
  InvalidManifestListError,
  type InvalidManifestListErrorDetails,
  type InvalidManifestListReason,
} from './invalid-manifest-list-error.js';
export { InvalidOptionError, type InvalidOptionErrorDetails } from './invalid-option-error.js';
export {
  InvalidReferenceError,
  type InvalidReferenceErrorDetails,
} from './invalid-reference-error.js';
export {
  ManifestTooLargeError,
  type ManifestTooLargeErrorDetails,
} from './manifest-too-large-error.js';
export {
  MissingChildrenError,
  type MissingChildrenErrorDetails,
  type MissingChildrenReason,
} from './missing-children-error.js';
export {
  NestingTooDeepError,
  type NestingTooDeepErrorDetails,
} from './nesting-too-deep-error.js';
export { NetworkError, type NetworkErrorDetails } from './network-error.js';
export { NotFoundError, type NotFoundErrorDetails } from './not-found-error.js';
export {
  NothingSelectedError,
  type NothingSelectedErrorDetails,
} from './nothing-selected-error.js';
export { PreconditionFailedError } from './precondition-failed-error.js';
export { redact } from './redact.js';
export {
  ReferrerCopyError,
  type ReferrerCopyErrorDetails,
} from './referrer-copy-error.js';
export { RegistryError, type RegistryErrorDetails } from './registry-error.js';
export { RequestAbortedError } from './request-aborted-error.js';
export {
  RequestTimeoutError,
  type RequestTimeoutErrorDetails,
  type TimeoutKind,
  type TimeoutPhase,
} from './request-timeout-error.js';
export {
  UnknownPlatformError,
  type UnknownPlatformErrorDetails,
  type UnknownPlatformReason,
} from './unknown-platform-error.js';
export {
  UnsupportedOperationError,
  type UnsupportedOperationErrorDetails,
} from './unsupported-operation-error.js';
