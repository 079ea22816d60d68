/**
 * The `code` of an error of the library: one literal per class (`RegistryError` itself has
 * `REGISTRY_ERROR`), so a `switch` over it is checked for exhaustiveness. Stable: programs
 * and the CLI branch on them. Read it across bundles and realms with {@link hasErrorCode},
 * not `instanceof`.
 *
 * @example
 * ```ts
 * function worthRetrying(code: ErrorCode): boolean {
 *   return code === 'CONFLICT' || code === 'NETWORK_ERROR' || code === 'TIMEOUT';
 * }
 * ```
 */
export type ErrorCode =
  | 'ABORTED'
  | 'AUTHENTICATION_FAILED'
  | 'CLIENTS_NOT_SET'
  | 'CONFLICT'
  | 'CREDENTIAL_SOURCE_FAILED'
  | 'DESTINATION_NOT_FOUND'
  | 'DESTINATION_UNREADABLE'
  | 'DIGEST_MISMATCH'
  | 'DUPLICATE_PLATFORM'
  | 'INCOMPATIBLE_MEDIA_TYPE'
  | 'INVALID_CHILD_MANIFEST'
  | 'INVALID_DIGEST'
  | 'INVALID_MANIFEST_LIST'
  | 'INVALID_OPTION'
  | 'INVALID_REFERENCE'
  | 'MANIFEST_TOO_LARGE'
  | 'MISSING_CHILDREN'
  | 'NESTING_TOO_DEEP'
  | 'NETWORK_ERROR'
  | 'NOT_FOUND'
  | 'NOTHING_SELECTED'
  | 'PRECONDITION_FAILED'
  | 'REFERRER_COPY_FAILED'
  | 'REGISTRY_ERROR'
  | 'TIMEOUT'
  | 'UNKNOWN_PLATFORM'
  | 'UNSUPPORTED_OPERATION';

/** Every {@link ErrorCode} once: a `Record` over the union, so none can be left out. */
const EVERY_CODE: Record<ErrorCode, true> = {
  ABORTED: true,
  AUTHENTICATION_FAILED: true,
  CLIENTS_NOT_SET: true,
  CONFLICT: true,
  CREDENTIAL_SOURCE_FAILED: true,
  DESTINATION_NOT_FOUND: true,
  DESTINATION_UNREADABLE: true,
  DIGEST_MISMATCH: true,
  DUPLICATE_PLATFORM: true,
  INCOMPATIBLE_MEDIA_TYPE: true,
  INVALID_CHILD_MANIFEST: true,
  INVALID_DIGEST: true,
  INVALID_MANIFEST_LIST: true,
  INVALID_OPTION: true,
  INVALID_REFERENCE: true,
  MANIFEST_TOO_LARGE: true,
  MISSING_CHILDREN: true,
  NESTING_TOO_DEEP: true,
  NETWORK_ERROR: true,
  NOT_FOUND: true,
  NOTHING_SELECTED: true,
  PRECONDITION_FAILED: true,
  REFERRER_COPY_FAILED: true,
  REGISTRY_ERROR: true,
  TIMEOUT: true,
  UNKNOWN_PLATFORM: true,
  UNSUPPORTED_OPERATION: true,
};

/** The codes of {@link ErrorCode}, at run time. */
export const ERROR_CODES: readonly ErrorCode[] = Object.keys(EVERY_CODE) as ErrorCode[];

/** The codes of {@link RegistryError} and its subclasses: failures of a registry call. */
export type RegistryErrorCode = Extract<
  ErrorCode,
  | 'REGISTRY_ERROR'
  | 'NETWORK_ERROR'
  | 'NOT_FOUND'
  | 'NOTHING_SELECTED'
  | 'PRECONDITION_FAILED'
  | 'AUTHENTICATION_FAILED'
  | 'DIGEST_MISMATCH'
  | 'DUPLICATE_PLATFORM'
  | 'MANIFEST_TOO_LARGE'
  | 'TIMEOUT'
  | 'ABORTED'
>;
