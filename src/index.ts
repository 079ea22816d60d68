// The one public surface of manifest-list-merger: re-exports only.

// Errors: every class a caller may catch (or a RegistryClient of its own may throw), the
// details each constructor takes, the code union and the cross-realm guards. Not exported:
// `sanitizeCause`, `ERROR_BRAND`, `ERROR_CODES` and `errorCode` (internals of src/errors/).
export {
  AuthenticationError,
  type AuthenticationErrorDetails,
  type AuthenticationFailureReason,
  ClientsNotSetError,
  ConflictError,
  type ConflictErrorDetails,
  type ConflictReason,
  CredentialSourceError,
  type CredentialSourceErrorDetails,
  type CredentialSourceFailure,
  type DestinationErrorDetails,
  DestinationNotFoundError,
  DestinationUnreadableError,
  DigestMismatchError,
  type DigestMismatchErrorDetails,
  type DigestMismatchSource,
  type ErrorCode,
  hasErrorCode,
  IncompatibleMediaTypeError,
  type IncompatibleMediaTypeErrorDetails,
  InvalidChildManifestError,
  type InvalidChildManifestErrorDetails,
  type InvalidChildManifestReason,
  InvalidDigestError,
  type InvalidDigestErrorDetails,
  type InvalidDigestReason,
  InvalidManifestListError,
  type InvalidManifestListErrorDetails,
  type InvalidManifestListReason,
  InvalidOptionError,
  type InvalidOptionErrorDetails,
  InvalidReferenceError,
  type InvalidReferenceErrorDetails,
  isManifestListMergerError,
  ManifestListMergerError,
  ManifestTooLargeError,
  type ManifestTooLargeErrorDetails,
  type MergerErrorOptions,
  MissingChildrenError,
  type MissingChildrenErrorDetails,
  NestingTooDeepError,
  type NestingTooDeepErrorDetails,
  NetworkError,
  type NetworkErrorDetails,
  NotFoundError,
  type NotFoundErrorDetails,
  PreconditionFailedError,
  ReferrerCopyError,
  type ReferrerCopyErrorDetails,
  RegistryError,
  type RegistryErrorCode,
  type RegistryErrorDetails,
  RequestAbortedError,
  RequestTimeoutError,
  type RequestTimeoutErrorDetails,
  redact,
  type TimeoutKind,
  type TimeoutPhase,
  UnsupportedOperationError,
  type UnsupportedOperationErrorDetails,
} from './errors/index.js';
export type { DockerConfigFile } from './http/auth/credentials/docker-config.js';
export type {
  CredentialProvider,
  IdentityTokenCredentials,
  PasswordCredentials,
  RegistryCredentials,
} from './http/auth/credentials/types.js';
export { HttpRegistryClient } from './http/http-registry-client.js';
export {
  DEFAULT_DEADLINE_MS,
  DEFAULT_MAX_MANIFEST_BYTES,
  DEFAULT_TIMEOUT_MS,
  type HttpRegistryClientOptions,
} from './http/options.js';
export type { RequestCounts, RequestEvent, RequestKind } from './http/request-event.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './http/retry/retry-policy.js';
export { type Logger, silentLogger } from './logger.js';
// The manifest and merge rooms, listed by name (the surface as it was under `export *`;
// which of these stay public is the public-surface step's decision).
export {
  type Annotations,
  ATTESTATION_REFERENCE_DIGEST,
  ATTESTATION_REFERENCE_TYPE,
  attestedDigest,
  computeDigest,
  type Descriptor,
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  entryKey,
  type FetchedManifest,
  formatPlatform,
  isAttestation,
  isManifestListMediaType,
  type ManifestDescriptor,
  type ManifestList,
  type ManifestListInput,
  type ManifestListMediaType,
  type MatchMode,
  MediaTypes,
  type NormalizedPlatform,
  normalizeMediaType,
  normalizePlatform,
  OCI_IMAGE_INDEX,
  OCI_IMAGE_MANIFEST,
  type Platform,
  parseManifestList,
  platformKey,
  serializeManifestList,
} from './manifest/index.js';
export {
  DOCKER_HUB_API_HOST,
  DOCKER_HUB_HOST,
  type ImageReference,
  parseImageReference,
} from './manifest/reference.js';
export {
  addMissingArchitectures,
  type DockerListConversion,
  describeMerge,
  dockerListIncompatibilities,
  type EntryKind,
  entryKind,
  type FinalizeOptions,
  finalizeList,
  getMissingArchitectures,
  listsEqual,
  type MergeOptions,
  type MergePlan,
  type PlannedEntry,
  type ReplacedEntry,
  selectArchitectures,
} from './merge/index.js';
export type { CopyReport } from './publish/children.js';
export {
  type MergeJob,
  type MergeJobOutcome,
  type MergeManyOptions,
  type MergeProgress,
  mergeMany,
} from './publish/merge-many.js';
export { ManifestListMerger } from './publish/merger.js';
export type {
  ManifestListMergerOptions,
  MergeCallOptions,
  SelectCallOptions,
} from './publish/options.js';
export type { ReferrersOptions } from './publish/referrers/options.js';
export type {
  ReferrerRecord,
  ReferrerSource,
  ReferrersReport,
  StaleSignatures,
} from './publish/referrers/report.js';
export type { MergeOutcome, MergeResult, PushVerification } from './publish/result.js';
export type { SettleTime } from './publish/settle.js';
export type {
  BlobContent,
  ListReferrersOptions,
  ManifestHead,
  PutManifestOptions,
  ReferrersAnswer,
} from './registry/client.js';
export {
  isNotFoundError,
  isPreconditionFailedError,
  type RegistryClient,
  type RequestOptions,
} from './registry/client.js';
export {
  type InMemoryCall,
  InMemoryRegistryClient,
  type InMemoryRegistryClientOptions,
} from './registry/in-memory-client.js';
