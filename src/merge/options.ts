import type { MatchMode } from '../manifest/platform.js';

/** Options of the merge functions. */
export interface MergeOptions {
  /**
   * How entries of the two lists are matched.
   *
   * - `'platform'`: the normalised key `os/architecture[/variant]`, plus `os.version`
   *   (major.minor.build) for Windows, so `linux/arm/v6` and `linux/arm/v7` are two
   *   platforms, `windows/amd64` is not `linux/amd64`, and `aarch64` is `arm64`.
   * - `'architecture'`: the raw `platform.architecture` string, exactly as pubtools-quay's
   *   `ManifestListMerger` does (it assumes one OS and no variants).
   *
   * For lists of one OS without variants — and, for Windows, one `os.version` build
   * (major.minor.build) throughout — both give the same results. Windows images of different
   * builds differ: `'platform'` keeps both, `'architecture'` (as pubtools-quay) takes them for one.
   *
   * @default 'platform'
   * @example
   * ```ts
   * getMissingArchitectures(src, dest, { match: 'architecture' }); // pubtools-quay's behaviour
   * ```
   */
  match?: MatchMode;
}
