import { RegistryError, type RegistryErrorDetails } from './registry-error.js';

/**
 * Why an {@link AuthenticationError} was thrown.
 * - `credentials-rejected`: the registry or its token endpoint refused the credentials.
 * - `credentials-required`: the registry wants credentials and none were configured.
 * - `token-endpoint-failed`: the token endpoint failed (5xx, network, bad answer).
 * - `access-denied`: the credentials were accepted but the action (e.g. a push) is not allowed.
 * - `insecure-realm`: the token realm is plain HTTP on a non-loopback host that was not marked
 *   `insecure`; no credentials were sent to it.
 * - `unsupported-challenge`: the registry asked for an authentication scheme we do not speak.
 * - `credential-source-failed`: a credential helper or provider failed.
 * - `foreign-challenge`: a redirect led to another origin, which answered 401. Credentials go
 *   only to the registry's own origin and the token realm that origin names, so the challenge
 *   was neither answered nor remembered.
 */
export type AuthenticationFailureReason =
  | 'credentials-rejected'
  | 'credentials-required'
  | 'token-endpoint-failed'
  | 'access-denied'
  | 'insecure-realm'
  | 'unsupported-challenge'
  | 'credential-source-failed'
  | 'foreign-challenge';

/** Details of an {@link AuthenticationError}. */
export interface AuthenticationErrorDetails extends RegistryErrorDetails {
  /** Why authentication failed. */
  reason: AuthenticationFailureReason;
}

/**
 * Authentication with a registry failed. `isAuthenticationFailure` is `true`, so
 * {@link isNotFoundError} never takes it for a missing image: a failing login must not pass
 * for "absent". Never carries a password, token or `Authorization` header.
 *
 * @example
 * ```ts
 * try {
 *   await client.getManifest('quay.io/ns/app:1.0');
 * } catch (error) {
 *   if (error instanceof AuthenticationError) console.error(error.reason);
 * }
 * ```
 */
export class AuthenticationError extends RegistryError {
  /** Always `true`: read by {@link isNotFoundError}. */
  readonly isAuthenticationFailure = true as const;
  /** Why authentication failed. */
  readonly reason: AuthenticationFailureReason;

  constructor(message: string, details: AuthenticationErrorDetails) {
    const { reason, ...rest } = details;
    super(message, rest, 'AUTHENTICATION_FAILED');
    this.reason = reason;
  }
}
