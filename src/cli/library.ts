// The library surface the CLI uses, in one place. The CLI calls the library like any user
// would, through its public entry point; it holds no merge, registry or auth logic of its own.

export {
  HttpRegistryClient,
  type HttpRegistryClientOptions,
  ManifestListMerger,
  type ManifestListMergerOptions,
  type MergeJob,
  type MergeJobOutcome,
  type MergeResult,
  mergeMany,
  parseImageReference,
} from '../index.js';
