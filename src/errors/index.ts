export {
  AuthenticationError,
  type AuthenticationErrorDetails,
  type AuthenticationFailureReason,
} from './authentication-error.js';
export { type ErrorOptions, ManifestListMergerError, sanitizeCause } from './base-error.js';
export { ClientsNotSetError } from './clients-not-set-error.js';
export { ConflictError, type ConflictErrorDetails, type ConflictReason } from './conflict-error.js';
export {
  CredentialSourceError,
  type CredentialSourceErrorDetails,
  type CredentialSourceFailure,
} from './credential-source-error.js';
export { DestinationNotFoundError } from './destination-not-found-error.js';
export { DestinationUnreadableError } from './destination-unreadable-error.js';
export {
  type DigestMismatchDetails,
  DigestMismatchError,
  type DigestMismatchSource,
} from './digest-mismatch-error.js';
export { IncompatibleMediaTypeError } from './incompatible-media-type-error.js';
export {
  InvalidChildManifestError,
  type InvalidChildManifestReason,
} from './invalid-child-manifest-error.js';
export {
  InvalidDigestError,
  type InvalidDigestReason,
} from './invalid-digest-error.js';
export {
  InvalidManifestListError,
  type InvalidManifestListReason,
} from './invalid-manifest-list-error.js';
export { InvalidOptionError } from './invalid-option-error.js';
export { InvalidReferenceError } from './invalid-reference-error.js';
export { ManifestTooLargeError } from './manifest-too-large-error.js';
export { MissingChildrenError } from './missing-children-error.js';
export { NestingTooDeepError } from './nesting-too-deep-error.js';
export { NotFoundError, type NotFoundErrorDetails } from './not-found-error.js';
export { PreconditionFailedError } from './precondition-failed-error.js';
export { redact } from './redact.js';
export { RegistryError, type RegistryErrorDetails } from './registry-error.js';
export { RequestAbortedError } from './request-aborted-error.js';
export { RequestTimeoutError } from './request-timeout-error.js';
export { UnsupportedOperationError } from './unsupported-operation-error.js';
