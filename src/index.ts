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
export { isNotFoundError, type RegistryClient, type RequestOptions } from './registry/client.js';
export { type InMemoryCall, InMemoryRegistryClient } from './registry/in-memory-client.js';
