import { scopesCover } from './scope.js';

/** A bearer token and when to stop using it. */
export interface CachedToken {
  /** The bearer token. */
  token: string;
  /** The scopes it was asked for. */
  scopes: readonly string[];
  /** Epoch milliseconds after which it is renewed instead of used. */
  renewAt: number;
}

/** Seconds a token lives when the token endpoint does not say (`expires_in` absent). */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 60;

/**
 * When to renew a token that lives `lifetimeSeconds` from `issuedAt`: 10% of its life (at
 * least 1 s, at most 30 s) before it expires.
 *
 * @example
 * ```ts
 * tokenRenewAt(0, 60); // 54000
 * ```
 */
export function tokenRenewAt(issuedAt: number, lifetimeSeconds: number): number {
  const lifetimeMs = Math.max(0, lifetimeSeconds) * 1000;
  const margin = Math.min(30_000, Math.max(1_000, lifetimeMs * 0.1));
  return issuedAt + lifetimeMs - margin;
}

/**
 * Bearer tokens per registry + token service, looked up by the scopes a request needs: a
 * token asked for `pull,push` also serves a `pull`. Expired tokens are never returned.
 *
 * @example
 * ```ts
 * const cache = new TokenCache();
 * cache.put('quay.io|quay.io', { token, scopes: ['repository:a:pull'], renewAt: Date.now() + 50_000 });
 * cache.get('quay.io|quay.io', ['repository:a:pull']); // the entry
 * ```
 */
export class TokenCache {
  private readonly entries = new Map<string, CachedToken[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A live token for `key` covering `scopes`, if any. */
  get(key: string, scopes: readonly string[]): CachedToken | undefined {
    const list = this.entries.get(key);
    if (!list) return undefined;
    const now = this.now();
    const live = list.filter((entry) => entry.renewAt > now);
    if (live.length !== list.length) this.entries.set(key, live);
    return live.find((entry) => scopesCover(entry.scopes, scopes));
  }

  /** Stores a token (replacing one with the same scopes). */
  put(key: string, entry: CachedToken): void {
    const same = (a: readonly string[], b: readonly string[]): boolean =>
      a.length === b.length && a.every((s) => b.includes(s));
    const list = (this.entries.get(key) ?? []).filter((e) => !same(e.scopes, entry.scopes));
    list.push(entry);
    this.entries.set(key, list);
  }

  /** Forgets a token (after a registry refused it). */
  delete(key: string, token: string): void {
    const list = this.entries.get(key);
    if (list)
      this.entries.set(
        key,
        list.filter((e) => e.token !== token),
      );
  }

  /** Forgets every token. */
  clear(): void {
    this.entries.clear();
  }
}
