import { answerOf, RegistryError, type RegistryErrorDetails } from './registry-error.js';

/** Details of a {@link NotFoundError}. */
export interface NotFoundErrorDetails extends Omit<RegistryErrorDetails, 'problem'> {
  /**
   * For a 401 after a granted token: whether that token's `access` claim grants `pull` on
   * the repository (`true`: the registry refused although pulling is allowed, Quay's answer
   * for a missing repository; `false`: the credentials may not pull, so the image may well
   * exist). `undefined` when the token does not say (an opaque token) or for a 404.
   */
  pullGranted?: boolean | undefined;
}

/**
 * The registry has no such manifest (404), or refused a pull after valid credentials were
 * accepted (401 after a granted token: Quay's answer for a missing repository, or no access;
 * `pullGranted` tells which when the token says). `isNotFound` is `true`, so
 * {@link isNotFoundError} recognises it. The message names the reference and the answer:
 * `quay.io/ns/app:1.0 not found (GET https://… answered HTTP 404: MANIFEST_UNKNOWN …)`.
 *
 * @example
 * ```ts
 * try {
 *   await client.getManifest('quay.io/ns/app:missing');
 * } catch (error) {
 *   if (error instanceof NotFoundError) console.log('absent', error.status, error.pullGranted);
 * }
 * // In a RegistryClient of your own:
 * throw new NotFoundError({ reference: image, method: 'GET', url, status: 404 });
 * ```
 */
export class NotFoundError extends RegistryError {
  override readonly name = 'NotFoundError' as const;
  override readonly code = 'NOT_FOUND' as const;
  /** Always `true`: read by {@link isNotFoundError}. */
  readonly isNotFound = true as const;
  /** See {@link NotFoundErrorDetails.pullGranted}. */
  readonly pullGranted: boolean | undefined;

  constructor(details: NotFoundErrorDetails = {}) {
    super(details);
    this.pullGranted = details.pullGranted;
  }

  protected static override describe(details: NotFoundErrorDetails): string {
    const answer = answerOf(details);
    const refused = details.status === 401 ? ' or not accessible' : '';
    const what = details.reference === undefined ? 'Not found' : `${details.reference} not found`;
    return `${what}${refused}${answer ? ` (${answer})` : ''}`;
  }
}
