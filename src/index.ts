// The one public surface of manifest-list-merger: re-exports only.

// Errors: every class a caller may catch (or a RegistryClient of its own may throw), the
// details each constructor takes, the code union and the cross-realm guards. Not exported:
// `sanitizeCause`, `ERROR_BRAND`, `ERROR_CODES`, `errorCode` and `redact` (internals of
// src/errors/).
export {
  AuthenticationError,
  type AuthenticationErrorDetails,
  type AuthenticationFailureReason,
  ClientsNotSetError,
  ConflictError,
  type ConflictErrorDetails,
  type ConflictOperation,
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
  type DuplicatedPlatform,
  DuplicatePlatformError,
  type DuplicatePlatformErrorDetails,
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
  type MissingChildrenReason,
  NestingTooDeepError,
  type NestingTooDeepErrorDetails,
  NetworkError,
  type NetworkErrorDetails,
  NotFoundError,
  type NotFoundErrorDetails,
  NothingSelectedError,
  type NothingSelectedErrorDetails,
  PreconditionFailedError,
  ReferrerCopyError,
  type ReferrerCopyErrorDetails,
  RegistryError,
  type RegistryErrorCode,
  type RegistryErrorDetails,
  RequestAbortedError,
  RequestTimeoutError,
  type RequestTimeoutErrorDetails,
  type TimeoutKind,
  type TimeoutPhase,
  UnknownPlatformError,
  type UnknownPlatformErrorDetails,
  type UnknownPlatformReason,
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
export type { HttpRegistryClientOptions } from './http/options.js';
export type { RequestCounts, RequestEvent, RequestKind } from './http/request-event.js';
export type { RetryPolicy } from './http/retry/retry-policy.js';
export type { Logger } from './logger.js';
// The manifest and merge rooms: the types of lists and their entries, the media types (as one
// `MediaTypes` object), and the pure functions a release script unit-tests its logic with.
// `normalizeMediaType` serves a RegistryClient of one's own (a Content-Type header → a media
// type). Not exported, on purpose: the loose media-type constants (use `MediaTypes`), entry and
// platform keys (`entryKey`, `platformKey`), the attestation internals (`ATTESTATION_*`,
// `attestedDigest`, `isAttestation`: `entryKind` says what an entry is), `finalizeList` and
// `dockerListIncompatibilities` (steps of the publish pipeline), the Docker Hub host names,
// the `DEFAULT_*` constants (each option's TSDoc gives its default), `silentLogger` (the
// default when no logger is given) and `redact` (every error is redacted already).
export {
  type Annotations,
  computeDigest,
  type Descriptor,
  type FetchedManifest,
  formatPlatform,
  type ManifestDescriptor,
  type ManifestList,
  type ManifestListInput,
  type ManifestListMediaType,
  type MatchMode,
  MediaTypes,
  type NormalizedPlatform,
  normalizeMediaType,
  normalizePlatform,
  type Platform,
  parseManifestList,
  serializeManifestList,
} from './manifest/index.js';
export { type ImageReference, parseImageReference } from './manifest/reference.js';
export {
  addMissingArchitectures,
  type DockerListConversion,
  describeMerge,
  type EntryKind,
  entryKind,
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
  type JobInputOptions,
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
  PushCallOptions,
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
export { type Shard, type ShardableJob, shardJobs } from './publish/shard.js';
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
  type InMemoryImageOptions,
  InMemoryRegistryClient,
  type InMemoryRegistryClientOptions,
} from './registry/in-memory-client.js';
