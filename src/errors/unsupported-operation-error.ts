import { ManifestListMergerError, type MergerErrorOptions } from './base-error.js';

/** Details of an {@link UnsupportedOperationError}. */
export interface UnsupportedOperationErrorDetails extends MergerErrorOptions {
  /** The missing client method, e.g. `getBlob`. */
  method: string;
  /** What it was needed for, e.g. `copy blob sha256:…`. */
  purpose: string;
}

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
  override readonly name = 'UnsupportedOperationError' as const;
  override readonly code = 'UNSUPPORTED_OPERATION' as const;
  /** The missing client method. */
  readonly method: string;
  /** What it was needed for. */
  readonly purpose: string;

  constructor(details: UnsupportedOperationErrorDetails) {
    const { method, purpose } = details;
    super(
      `The registry client has no ${method}() method, needed to ${purpose}: implement it or use HttpRegistryClient`,
      details,
    );
    this.method = method;
    this.purpose = purpose;
  }
}
