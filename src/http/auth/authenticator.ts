import { AuthenticationError } from '../../errors/authentication-error.js';
import { ManifestListMergerError } from '../../errors/base-error.js';
import { RequestAbortedError } from '../../errors/request-aborted-error.js';
import { RequestTimeoutError } from '../../errors/request-timeout-error.js';
import { type Logger, log } from '../../logger.js';
import type { CallContext } from '../call-context.js';
import type { Transport } from '../transport.js';
import { basicAuthorization } from './basic.js';
import { type AuthChallenge, findChallenge, parseWwwAuthenticate } from './challenge.js';
import type { CredentialLookup } from './credentials/source.js';
import { isIdentityToken, type RegistryCredentials } from './credentials/types.js';
import type { SecretSet } from './secret-set.js';
import { TokenCache, tokenRenewAt } from './token-cache.js';
import { type GrantedToken, requestToken } from './token-request.js';

/** How a request was authorised, to tell "no access" from "bad credentials" on a 401. */
export interface Authorization {
  /** The scheme used: none yet, Basic or Bearer. */
  scheme: 'none' | 'basic' | 'bearer';
  /** The `Authorization` header value, if any. Never logged. */
  header: string | undefined;
  /** True when credentials (not anonymous access) stand behind the header. */
  credentialed: boolean;
  /** For Bearer: the token and its cache key, so a refused token can be dropped. */
  token?: { key: string; value: string };
}

/** Where the authenticator's registry lives. */
export interface AuthTarget {
  /** The registry host as written in references (credentials are looked up by it). */
  host: string;
  /** The API host (challenges are remembered per API host). */
  apiHost: string;
  /** The repository asked for (`ns/app`): podman's `auth.json` may hold credentials per namespace. */
  repository?: string | undefined;
}

/** What the {@link Authenticator} needs. */
export interface AuthenticatorOptions {
  transport: Transport;
  /** Credentials per registry host and repository. */
  credentials: CredentialLookup;
  /** True when plain HTTP to `host` (`host[:port]`) is acceptable: loopback or `insecure`. */
  plainHttpAllowed: (host: string) => boolean;
  logger?: Logger | undefined;
  clientId: string;
  /** Every credential looked up and every token granted is added here, to be scrubbed from what the client reports. */
  secrets: SecretSet;
}

const NONE: Authorization = { scheme: 'none', header: undefined, credentialed: false };

/**
 * Authorisation for registry requests: remembers each registry's challenge, answers Basic
 * and Bearer challenges, caches tokens per registry + realm + service + scope set (a
 * `pull,push` token serves a `pull`), and shares one token request among concurrent callers.
 */
export class Authenticator {
  private readonly challenges = new Map<string, AuthChallenge>();
  private readonly tokens = new TokenCache();
  private readonly inflight = new Map<string, Promise<GrantedToken>>();

  constructor(private readonly options: AuthenticatorOptions) {}

  /** The authorisation to send up front: none until the registry has challenged once. */
  async beforeRequest(
    target: AuthTarget,
    scopes: readonly string[],
    ctx: CallContext,
  ): Promise<Authorization> {
    const challenge = this.challenges.get(target.apiHost);
    if (!challenge) return NONE;
    return this.answer(target, challenge, scopes, ctx, false);
  }

  /**
   * After a 401 **from the registry's own origin** (the caller checks; a challenge from a
   * redirect target is never answered nor remembered): reads its challenge, remembers it for
   * the registry, drops the refused token, and answers afresh. Throws an
   * {@link AuthenticationError} for a challenge we cannot answer.
   */
  async afterUnauthorized(
    target: AuthTarget,
    wwwAuthenticate: string | undefined,
    scopes: readonly string[],
    previous: Authorization,
    ctx: CallContext,
    where: { method: string; url: string },
  ): Promise<Authorization> {
    const challenge = findChallenge(parseWwwAuthenticate(wwwAuthenticate), ['bearer', 'basic']);
    if (!challenge) {
      throw new AuthenticationError({
        reason: 'unsupported-challenge',
        host: target.host,
        status: 401,
        ...where,
        problem: wwwAuthenticate
          ? 'asks for an authentication scheme this client does not support'
          : 'answered 401 without a WWW-Authenticate challenge',
      });
    }
    this.challenges.set(target.apiHost, challenge);
    if (previous.token) this.tokens.delete(previous.token.key, previous.token.value);
    return this.answer(target, challenge, scopes, ctx, previous.scheme === 'bearer');
  }

  /** Forgets every cached token and challenge. */
  reset(): void {
    this.challenges.clear();
    this.tokens.clear();
  }

  /** The authorisation answering `challenge`: Basic, or a Bearer token (`fresh`: not cached). */
  private async answer(
    target: AuthTarget,
    challenge: AuthChallenge,
    scopes: readonly string[],
    ctx: CallContext,
    fresh: boolean,
  ): Promise<Authorization> {
    if (challenge.scheme === 'basic') {
      const credentials = await this.credentialsFor(target, ctx);
      if (!credentials || isIdentityToken(credentials)) return { ...NONE, scheme: 'basic' };
      return { scheme: 'basic', header: basicAuthorization(credentials), credentialed: true };
    }
    const realm = tokenRealm(target, challenge);
    const service = challenge.params['service'];
    const key = `${target.apiHost}|${realm.origin}${realm.pathname}|${service ?? ''}`;
    const credentials = await this.credentialsFor(target, ctx);
    const credentialed = credentials !== undefined;
    const cached = fresh ? undefined : this.tokens.get(key, scopes);
    if (cached) return bearer(key, cached.token, credentialed);
    if (credentials && realm.protocol === 'http:' && !this.options.plainHttpAllowed(realm.host)) {
      const shown = `${realm.origin}${realm.pathname}`;
      throw new AuthenticationError({
        reason: 'insecure-realm',
        host: target.apiHost,
        realm: shown,
        url: shown,
      });
    }
    const flightKey = `${key}|${[...scopes].sort().join(' ')}|${fresh ? 'fresh' : ''}`;
    const start = (): Promise<GrantedToken> => {
      log(
        this.options.logger,
        'debug',
        `Requesting a token from ${realm.origin}${realm.pathname} for ${scopes.join(' ')}`,
      );
      const pending = requestToken(
        this.options.transport,
        { realm, service, scopes, credentials, clientId: this.options.clientId },
        ctx,
      );
      this.inflight.set(flightKey, pending);
      const clear = () => {
        if (this.inflight.get(flightKey) === pending) this.inflight.delete(flightKey);
      };
      pending.then(clear, clear);
      return pending;
    };
    const shared = this.inflight.get(flightKey);
    let granted: GrantedToken;
    try {
      granted = await ctx.race(shared ?? start());
    } catch (error) {
      // Another caller's request was aborted under us: ask on our own behalf.
      const foreignAbort =
        shared !== undefined &&
        !ctx.signal.aborted &&
        (error instanceof RequestAbortedError || error instanceof RequestTimeoutError);
      if (!foreignAbort) throw error;
      granted = await ctx.race(start());
    }
    this.options.secrets.add(granted.token);
    this.options.secrets.add(granted.refreshToken);
    this.tokens.put(key, {
      token: granted.token,
      scopes: [...scopes],
      renewAt: tokenRenewAt(granted.issuedAt, granted.expiresIn),
    });
    return bearer(key, granted.token, credentialed);
  }

  private async credentialsFor(
    target: AuthTarget,
    ctx: CallContext,
  ): Promise<RegistryCredentials | undefined> {
    try {
      const credentials = await ctx.race(
        Promise.resolve(this.options.credentials(target.host, target.repository)),
      );
      this.options.secrets.addCredentials(credentials);
      return credentials;
    } catch (error) {
      if (ctx.signal.aborted) throw ctx.abortError();
      if (error instanceof ManifestListMergerError) throw error;
      throw new AuthenticationError({
        reason: 'credential-source-failed',
        host: target.host,
        problem: error instanceof Error ? error.message : 'unknown error',
        cause: error,
      });
    }
  }
}

function bearer(key: string, token: string, credentialed: boolean): Authorization {
  return {
    scheme: 'bearer',
    header: `Bearer ${token}`,
    credentialed,
    token: { key, value: token },
  };
}

/** The token realm a Bearer challenge names, without user info; only http(s). */
function tokenRealm(target: AuthTarget, challenge: AuthChallenge): URL {
  let realm: URL;
  try {
    realm = new URL(challenge.params['realm'] ?? '');
  } catch {
    throw new AuthenticationError({
      reason: 'unsupported-challenge',
      host: target.apiHost,
      problem: 'named an invalid token realm',
    });
  }
  if (realm.protocol !== 'https:' && realm.protocol !== 'http:') {
    throw new AuthenticationError({
      reason: 'unsupported-challenge',
      host: target.apiHost,
      problem: `named a ${realm.protocol} token realm`,
    });
  }
  realm.username = '';
  realm.password = '';
  return realm;
}
