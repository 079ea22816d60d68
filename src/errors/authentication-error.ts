import { redact } from './redact.js';
import { answerOf, RegistryError, type RegistryErrorDetails, requestOf } from './registry-error.js';

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
  /** The registry's host, e.g. `quay.io`. */
  host?: string | undefined;
  /** The token endpoint (the challenge's `realm`, without its query), when it was involved. */
  realm?: string | undefined;
  /** For `access-denied`: the scope actions the request needed, e.g. `['pull', 'push']`. */
  actions?: readonly string[] | undefined;
}

/**
 * Authentication with a registry failed. `isAuthenticationFailure` is `true`, so
 * {@link isNotFoundError} never takes it for a missing image: a failing login must not pass
 * for "absent". Never carries a password, token or `Authorization` header. The message is
 * composed from `reason` and the details, e.g. `The token endpoint https://auth.example/token
 * rejected the credentials (HTTP 401)`.
 *
 * @example
 * ```ts
 * try {
 *   await client.getManifest('quay.io/ns/app:1.0');
 * } catch (error) {
 *   if (error instanceof AuthenticationError) console.error(error.reason);
 * }
 * // In a RegistryClient of your own:
 * throw new AuthenticationError({ reason: 'credentials-rejected', host: 'quay.io', status: 401 });
 * ```
 */
export class AuthenticationError extends RegistryError {
  override readonly name = 'AuthenticationError' as const;
  override readonly code = 'AUTHENTICATION_FAILED' as const;
  /** Always `true`: read by {@link isNotFoundError}. */
  readonly isAuthenticationFailure = true as const;
  /** Why authentication failed. */
  readonly reason: AuthenticationFailureReason;
  /** The registry's host, if known. */
  readonly host: string | undefined;
  /** The token endpoint, when it was involved. */
  readonly realm: string | undefined;
  /** For `access-denied`: the scope actions the request needed. */
  readonly actions: readonly string[] | undefined;

  constructor(details: AuthenticationErrorDetails) {
    super(details);
    this.reason = details.reason;
    this.host = details.host;
    this.realm = details.realm === undefined ? undefined : redact(details.realm);
    this.actions = details.actions;
  }

  protected static override describe(details: AuthenticationErrorDetails): string {
    const { realm, status, problem } = details;
    const answer = answerOf(details);
    const inParens = answer ? ` (${answer})` : '';
    const registry = details.host ? `The registry ${details.host}` : 'The registry';
    const endpoint = realm ? `The token endpoint ${realm}` : 'The token endpoint';
    const http = status === undefined ? '' : ` (HTTP ${status})`;
    switch (details.reason) {
      case 'credentials-rejected':
        return realm
          ? `${endpoint} rejected the credentials${http}`
          : `The registry rejected the credentials${details.host ? ` for ${details.host}` : ''}${inParens}`;
      case 'credentials-required':
        return realm
          ? `${endpoint} refused anonymous access${http}; credentials are required`
          : `${registry} requires credentials and none were configured${inParens}`;
      case 'token-endpoint-failed':
        return `${endpoint} ${problem ?? (status === undefined ? 'failed' : `answered HTTP ${status}`)}`;
      case 'access-denied': {
        const actions = details.actions?.length ? details.actions.join(',') : 'access';
        return `The credentials were accepted but may not ${actions} ${details.reference ?? 'the repository'}${inParens}`;
      }
      case 'insecure-realm':
        return `${registry} named a token realm over plain HTTP${realm ? ` (${realm})` : ''}; credentials are not sent there. Mark that host insecure if you trust it.`;
      case 'unsupported-challenge': {
        const request = requestOf(details);
        return `${registry} ${problem ?? 'asks for an authentication scheme this client does not support'}${request ? ` (${request})` : ''}`;
      }
      case 'credential-source-failed':
        return `Could not get credentials${details.host ? ` for ${details.host}` : ''}${problem ? `: ${problem}` : ''}`;
      case 'foreign-challenge':
        return `${requestOf(details) ?? 'A request'} was redirected to ${originOf(details.redirectedTo)}, which answered 401: credentials go only to the registry's own origin and the token realm it names, so that challenge was not answered`;
    }
  }
}

function originOf(url: string | undefined): string {
  if (url === undefined) return 'another origin';
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
