import { AuthenticationError } from '../../errors/authentication-error.js';
import { ManifestListMergerError } from '../../errors/base-error.js';
import { RequestAbortedError } from '../../errors/request-aborted-error.js';
import { RequestTimeoutError } from '../../errors/request-timeout-error.js';
import type { CallContext } from '../call-context.js';
import type { Transport } from '../transport.js';
import { basicAuthorization } from './basic.js';
import { isIdentityToken, type RegistryCredentials } from './credentials/types.js';
import { DEFAULT_TOKEN_LIFETIME_SECONDS } from './token-cache.js';

/** What a token endpoint granted. */
export interface GrantedToken {
  token: string;
  /** Seconds the token lives. */
  expiresIn: number;
  /** Epoch milliseconds it was issued at (the endpoint's `issued_at`, else now). */
  issuedAt: number;
  /** A `refresh_token` the endpoint handed out too (unused, but a secret to keep out of messages). */
  refreshToken?: string | undefined;
}

/** Parameters of one token request. */
export interface TokenRequest {
  realm: URL;
  service: string | undefined;
  scopes: readonly string[];
  credentials: RegistryCredentials | undefined;
  clientId: string;
}

const MAX_TOKEN_RESPONSE_BYTES = 1024 * 1024;

/**
 * Asks a token endpoint for a bearer token: `GET realm?service=…&scope=…` with Basic
 * credentials (or none), or for identity tokens `POST` form `grant_type=refresh_token`.
 * Every failure is an {@link AuthenticationError} (never "not found"), except an abort or
 * the deadline.
 */
export async function requestToken(
  transport: Transport,
  request: TokenRequest,
  ctx: CallContext,
): Promise<GrantedToken> {
  const url = new URL(request.realm.href);
  const { credentials } = request;
  let response: Awaited<ReturnType<Transport['send']>>;
  const method = isIdentityToken(credentials) ? 'POST' : 'GET';
  const shownUrl = redactedRealm(url);
  // What every failure of this request says: where it went; `reason` unless said otherwise.
  const failed = {
    reason: 'token-endpoint-failed',
    method,
    url: shownUrl,
    realm: shownUrl,
  } as const;
  try {
    if (isIdentityToken(credentials)) {
      const form = new URLSearchParams();
      form.set('grant_type', 'refresh_token');
      form.set('refresh_token', credentials.identityToken);
      form.set('client_id', request.clientId);
      if (request.service) form.set('service', request.service);
      if (request.scopes.length > 0) form.set('scope', request.scopes.join(' '));
      response = await transport.send(
        {
          method,
          url: url.href,
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: form.toString(),
          kind: 'token',
          maxBytes: MAX_TOKEN_RESPONSE_BYTES,
        },
        ctx,
      );
    } else {
      if (request.service) url.searchParams.set('service', request.service);
      for (const scope of request.scopes) url.searchParams.append('scope', scope);
      const headers: Record<string, string> = credentials
        ? { Authorization: basicAuthorization(credentials) }
        : {};
      response = await transport.send(
        { method, url: url.href, headers, kind: 'token', maxBytes: MAX_TOKEN_RESPONSE_BYTES },
        ctx,
      );
    }
  } catch (error) {
    if (error instanceof RequestAbortedError || error instanceof RequestTimeoutError) {
      if (error instanceof RequestAbortedError || error.timeoutKind === 'deadline') throw error;
    }
    const what = error instanceof ManifestListMergerError ? error.message : 'request failed';
    throw new AuthenticationError({ ...failed, problem: `failed: ${what}`, cause: error });
  }

  if (response.status === 401 || response.status === 403) {
    throw new AuthenticationError({
      ...failed,
      reason: credentials ? 'credentials-rejected' : 'credentials-required',
      status: response.status,
    });
  }
  if (response.status < 200 || response.status >= 300) {
    throw new AuthenticationError({ ...failed, status: response.status });
  }
  let body: {
    token?: unknown;
    access_token?: unknown;
    expires_in?: unknown;
    issued_at?: unknown;
    refresh_token?: unknown;
  };
  try {
    body = JSON.parse(response.body.toString('utf8')) as typeof body;
  } catch {
    throw new AuthenticationError({
      ...failed,
      status: response.status,
      problem: 'answered something that is not JSON',
    });
  }
  const token =
    typeof body?.token === 'string' && body.token
      ? body.token
      : typeof body?.access_token === 'string'
        ? body.access_token
        : '';
  if (!token) {
    throw new AuthenticationError({
      ...failed,
      status: response.status,
      problem: 'answered without a token',
    });
  }
  const expiresIn =
    typeof body.expires_in === 'number' && body.expires_in > 0
      ? body.expires_in
      : DEFAULT_TOKEN_LIFETIME_SECONDS;
  const issued = typeof body.issued_at === 'string' ? Date.parse(body.issued_at) : Number.NaN;
  const now = Date.now();
  // A clock-skewed issued_at in the future or far past is not trusted beyond now.
  const issuedAt =
    Number.isNaN(issued) || issued > now ? now : Math.max(issued, now - expiresIn * 1000);
  const refreshToken = typeof body.refresh_token === 'string' ? body.refresh_token : undefined;
  return { token, expiresIn, issuedAt, refreshToken };
}

function redactedRealm(url: URL): string {
  return `${url.origin}${url.pathname}`;
}
