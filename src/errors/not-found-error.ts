import { RegistryError, type RegistryErrorDetails } from './registry-error.js';

/**
 * The registry has no such manifest (404), or refused a pull after valid credentials were
 * accepted (401 after a granted token: Quay's answer for a missing repository, or no access).
 * `isNotFound` is `true`, so {@link isNotFoundError} recognises it.
 *
 * @example
 * ```ts
 * try {
 *   await client.getManifest('quay.io/ns/app:missing');
 * } catch (error) {
 *   if (error instanceof NotFoundError) console.log('absent', error.status);
 * }
 * ```
 */
export class NotFoundError extends RegistryError {
  /** Always `true`: read by {@link isNotFoundError}. */
  readonly isNotFound = true as const;

  constructor(message: string, details: RegistryErrorDetails = {}) {
    super(message, details, 'NOT_FOUND');
  }
}
