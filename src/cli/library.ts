// The library surface the CLI uses, in one place. The CLI calls the library like any user
// would, through its public entry point; it holds no merge, registry or auth logic of its own.

// Not public: what the CLI shares with the library, so that "the code of an error" and "the
// largest manifest" each have one home.
export { errorCode } from '../errors/guards.js';
export {
  type ErrorCode,
  HttpRegistryClient,
  type HttpRegistryClientOptions,
  type Logger,
  ManifestListMerger,
  type ManifestListMergerOptions,
  ManifestTooLargeError,
  MediaTypes,
  type MergeJob,
  type MergeJobOutcome,
  type MergeResult,
  mergeMany,
  normalizeMediaType,
  type PlannedEntry,
  parseImageReference,
  type ReplacedEntry,
  RequestAbortedError,
  type Shard,
  shardJobs,
} from '../index.js';
export { DEFAULT_MAX_MANIFEST_BYTES } from '../manifest/limits.js';
export { platformOption } from '../publish/options.js';
