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
