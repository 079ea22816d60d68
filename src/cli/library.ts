// The library surface the CLI uses, in one place. The CLI calls the library like any user
// would; it holds no merge, registry or auth logic of its own.

export {
  ManifestListMerger,
  type ManifestListMergerOptions,
  type MergeJob,
  type MergeJobOutcome,
  type MergeResult,
  mergeMany,
} from '../index.js';
export { HttpRegistryClient } from '../registry/http-registry-client.js';
export type { HttpRegistryClientOptions } from '../registry/http-registry-client-options.js';
export { parseImageReference } from '../registry/reference.js';
