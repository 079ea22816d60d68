import type { RegistryClient } from '../registry/client.js';
import type { CallSettings, PublishSettings } from './options.js';

/**
 * The two modes of a merge, by the names of the CLI commands and of `MergeJob.mode`:
 *
 * - `'merge'` (`mergeManifestLists`): every source entry, plus each destination entry whose
 *   platform the source lacks; the destination must exist;
 * - `'select'` (`mergeSelectedArchitectures`): the source's entries of the eligible
 *   architectures, plus every other destination entry; the destination may not exist.
 */
export type MergeMode =
  | { mode: 'merge' }
  | {
      mode: 'select';
      /** The architectures to take from the source. */
      eligibleArchs: readonly string[];
    };

/** Everything one merge call needs, resolved by the façade and handed to the pipeline. */
export interface PublishRequest {
  /** Which merge, with its eligible architectures for `'select'`. */
  mode: MergeMode;
  /** The source reference (re-hosted). */
  srcImage: string;
  /** The destination tag (re-hosted). */
  destImage: string;
  srcClient: RegistryClient;
  destClient: RegistryClient;
  /** The merger's options, resolved. */
  settings: PublishSettings;
  /** The call's options, resolved. */
  call: CallSettings;
}

/**
 * What the reads and checks of a write to the destination tag need: a merge's request without
 * its mode, which a push of given bytes (`pushManifestList`) has too.
 */
export type TagRequest = Omit<PublishRequest, 'mode'>;
