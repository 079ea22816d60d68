import { AuthenticationError } from '../errors/authentication-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { PreconditionFailedError } from '../errors/precondition-failed-error.js';
import { RegistryError } from '../errors/registry-error.js';
import type { ImageReference } from '../manifest/reference.js';
import type { Authorization } from './auth/authenticator.js';
import { grantedActions } from './auth/token-claims.js';
import type { TransportResponse } from './transport.js';

/** How many registry error codes are kept from one answer. */
const MAX_REGISTRY_CODES = 1000;

/** The request a status is mapped for. */
export interface AnsweredRequest {
  method: string;
  /** The URL asked (the answer's own URL may differ after redirects). */
  url: string;
  /** The scope actions the request needed, e.g. `['pull', 'push']`. */
  actions: readonly string[];
}

/**
 * The typed error for a final non-2xx answer: 404 → {@link NotFoundError}; 412 →
 * {@link PreconditionFailedError}; 401 → after a Bearer token granted for credentials, a read
 * is {@link NotFoundError} (no access, or Quay's missing repository; `pullGranted` says what
 * the token's `access` claim granted) and a write is `access-denied`; after other
 * credentials `credentials-rejected`; without any `credentials-required`
 * ({@link AuthenticationError}); anything else → {@link RegistryError}.
 */
export function statusError(
  ref: ImageReference,
  request: AnsweredRequest,
  response: TransportResponse,
  authorization: Authorization,
): Error {
  const { codes, text } = registryErrors(response.body);
  const { method, url } = request;
  const details = {
    reference: `${ref}`,
    method,
    url,
    redirectedTo: response.url,
    status: response.status,
    registryCodes: codes,
    registryMessage: text || undefined,
  };
  if (response.status === 404) return new NotFoundError(details);
  if (response.status === 412) return new PreconditionFailedError(details);
  if (response.status !== 401) return new RegistryError(details);
  if (authorization.scheme === 'bearer' && authorization.credentialed) {
    // Token granted for these credentials, yet refused: no access, or (Quay) no repository.
    if (method === 'GET' || method === 'HEAD') {
      const granted = authorization.token
        ? grantedActions(authorization.token.value, ref.repository)
        : undefined;
      return new NotFoundError({
        ...details,
        pullGranted: granted === undefined ? undefined : granted.includes('pull'),
      });
    }
    return new AuthenticationError({
      ...details,
      reason: 'access-denied',
      host: ref.host,
      actions: request.actions,
    });
  }
  return new AuthenticationError({
    ...details,
    reason: authorization.credentialed ? 'credentials-rejected' : 'credentials-required',
    host: ref.host,
  });
}

/**
 * The error for a 401 from another origin than the registry's (reached by a redirect): never
 * answered nor remembered, an {@link AuthenticationError} `foreign-challenge`.
 */
export function foreignChallenge(
  request: AnsweredRequest,
  response: TransportResponse,
): AuthenticationError {
  return new AuthenticationError({
    reason: 'foreign-challenge',
    method: request.method,
    url: request.url,
    redirectedTo: response.url,
    status: 401,
    registryCodes: registryErrors(response.body).codes,
  });
}

/**
 * The `code`s and a short text of a registry's `{"errors":[{code,message}]}` body. A body cut
 * at the error-body cap (or otherwise broken) still gives the codes that can be read in it.
 */
export function registryErrors(body: Buffer): { codes: string[]; text: string } {
  if (body.byteLength === 0) return { codes: [], text: '' };
  const raw = body.toString('utf8');
  const isCode = (code: unknown): code is string =>
    typeof code === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(code);
  try {
    const parsed = JSON.parse(raw) as {
      errors?: Array<{ code?: unknown; message?: unknown }>;
    };
    const errors = Array.isArray(parsed?.errors) ? parsed.errors : [];
    const codes = errors
      .map((e) => e?.code)
      .filter(isCode)
      .slice(0, MAX_REGISTRY_CODES);
    const text = errors
      .slice(0, 3)
      .map((e) => [e?.code, e?.message].filter((x) => typeof x === 'string' && x).join(' '))
      .join('; ');
    return { codes, text: text.slice(0, 500) };
  } catch {
    const codes = [...raw.matchAll(/"code"\s*:\s*"([^"\\]{1,64})"/g)]
      .map((match) => match[1])
      .filter(isCode)
      .slice(0, MAX_REGISTRY_CODES);
    return { codes, text: '' };
  }
}
