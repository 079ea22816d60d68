// The merge core: pure functions, no I/O, imports nothing from registry/, publish/ or cli/.

export { type EntryKind, entryKind } from './entries.js';
export { listsEqual } from './equality.js';
export {
  type DockerListConversion,
  dockerListIncompatibilities,
  type FinalizeOptions,
  finalizeList,
} from './finalize.js';
export { addMissingArchitectures, getMissingArchitectures } from './merge-mode.js';
export type { MergeOptions } from './options.js';
export { describeMerge, type MergePlan, type PlannedEntry, type ReplacedEntry } from './plan.js';
export { selectArchitectures } from './select-mode.js';
