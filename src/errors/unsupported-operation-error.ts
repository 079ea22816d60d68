import { type ErrorOptions, ManifestListMergerError } from './base-error.js';

/**
 * A {@link RegistryClient} lacks an optional method that this merge really needs, e.g.
 * `getBlob` to copy a missing child across registries. `method` names it. Nothing was
 * pushed.
 *
 * @example
 * ```ts
 * try {
 *   await merger.mergeManifestLists();
 * } catch (error) {
 *   if (error instanceof UnsupportedOperationError) console.error(`implement ${error.method}()`);
 * }
 * ```
 */
export class UnsupportedOperationError extends ManifestListMergerError {
  /** The missing client method. */
  readonly method: string;

  constructor(method: string, purpose: string, options?: ErrorOptions) {
    super(
      `The registry client has no ${method}() method, needed to ${purpose}: implement it or use HttpRegistryClient`,
      'UNSUPPORTED_OPERATION',
      options,
    );
    this.method = method;
  }
}
