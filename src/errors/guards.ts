// Recognising the library's errors by their flags and codes, never by `instanceof`: an error
// from another copy of the library (two bundles, a worker, a vm context) is recognised too.
// Whether an error of *any* RegistryClient means "not found" or "precondition failed" is the
// RegistryClient contract's business (src/registry/client.ts); what is worth a retry is
// src/registry/retryable.ts. Both read codes through errorCode() here.
import { ERROR_BRAND, type ManifestListMergerError } from './base-error.js';
import { ERROR_CODES, type ErrorCode } from './codes.js';

const CODES: ReadonlySet<string> = new Set(ERROR_CODES);

/**
 * The `code` of an error when it has a string one (`CONFLICT`, `ECONNRESET`), else
 * `undefined`. Read as a property, not by `instanceof`, so it holds across bundles and realms.
 *
 * @example
 * ```ts
 * if (errorCode(error) === 'CONFLICT') retryLater();
 * ```
 */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * True for an error thrown by manifest-list-merger, whichever copy of the library threw it
 * (another bundle, realm or version): it carries the library's mark and one of its
 * {@link ErrorCode}s. Prefer it to `instanceof ManifestListMergerError` in code that may
 * see errors from another copy.
 *
 * @example
 * ```ts
 * try {
 *   await merger.mergeManifestLists();
 * } catch (error) {
 *   if (isManifestListMergerError(error)) console.error(error.code, error.message);
 *   else throw error;
 * }
 * ```
 */
export function isManifestListMergerError(error: unknown): error is ManifestListMergerError {
  if (error === null || typeof error !== 'object') return false;
  const code = errorCode(error);
  return (
    (error as Record<symbol, unknown>)[ERROR_BRAND] === true &&
    code !== undefined &&
    CODES.has(code)
  );
}

/**
 * True for an error of the library (see {@link isManifestListMergerError}) whose `code` is
 * `code`, or one of `code` when given a list; narrows `error.code` to it.
 *
 * @example
 * ```ts
 * if (hasErrorCode(error, 'CONFLICT')) console.error(error.code); // 'CONFLICT'
 * if (hasErrorCode(error, ['NETWORK_ERROR', 'TIMEOUT'])) scheduleRetry();
 * ```
 */
export function hasErrorCode<C extends ErrorCode>(
  error: unknown,
  code: C | readonly C[],
): error is ManifestListMergerError & {
  /** One of the codes asked for. */
  readonly code: C;
} {
  if (!isManifestListMergerError(error)) return false;
  return typeof code === 'string' ? error.code === code : code.includes(error.code as C);
}
