// The one public surface of manifest-list-merger: re-exports only.

export * from './errors/index.js';
export { type Logger, silentLogger } from './logger.js';
export * from './manifest/index.js';
export * from './merge/index.js';
export {
  ManifestListMerger,
  type ManifestListMergerOptions,
  type MergeCallOptions,
  type MergeResult,
  type PushVerification,
  type SelectCallOptions,
} from './merger.js';
export type { CopyReport } from './publish/children.js';
export {
  type MergeJob,
  type MergeJobOutcome,
  type MergeManyOptions,
  type MergeProgress,
  mergeMany,
} from './publish/merge-many.js';
export type { SettleTime } from './publish/settle.js';
export type { DockerConfigFile } from './registry/auth/credentials/docker-config.js';
export type {
  CredentialProvider,
  IdentityTokenCredentials,
  PasswordCredentials,
  RegistryCredentials,
} from './registry/auth/credentials/types.js';
export type { BlobContent, ManifestHead, PutManifestOptions } from './registry/client.js';
export {
  isNotFoundError,
  isPreconditionFailedError,
  type RegistryClient,
  type RequestOptions,
} from './registry/client.js';
export type { RequestCounts, RequestEvent, RequestKind } from './registry/http/request-event.js';
export { HttpRegistryClient } from './registry/http-registry-client.js';
export {
  DEFAULT_DEADLINE_MS,
  DEFAULT_MAX_MANIFEST_BYTES,
  DEFAULT_TIMEOUT_MS,
  type HttpRegistryClientOptions,
} from './registry/http-registry-client-options.js';
export {
  type InMemoryCall,
  InMemoryRegistryClient,
  type InMemoryRegistryClientOptions,
} from './registry/in-memory-client.js';
export {
  DOCKER_HUB_API_HOST,
  DOCKER_HUB_HOST,
  type ImageReference,
  parseImageReference,
} from './registry/reference.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './registry/retry/retry-policy.js';
