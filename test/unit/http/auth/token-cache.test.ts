import { describe, expect, it } from 'vitest';
import { TokenCache, tokenRenewAt } from '../../../../src/http/auth/token-cache.js';

describe('TokenCache', () => {
  it('renews 10% of the lifetime before expiry, between 1 s and 30 s', () => {
    expect(tokenRenewAt(0, 60)).toBe(54_000);
    expect(tokenRenewAt(0, 3600)).toBe(3_570_000);
    expect(tokenRenewAt(0, 5)).toBe(4_000);
  });
  it('serves live tokens covering the scopes, never expired ones', () => {
    let now = 0;
    const cache = new TokenCache(() => now);
    cache.put('k', { token: 't1', scopes: ['repository:a:pull,push'], renewAt: 1000 });
    expect(cache.get('k', ['repository:a:pull'])?.token).toBe('t1');
    expect(cache.get('k', ['repository:b:pull'])).toBeUndefined();
    expect(cache.get('other', ['repository:a:pull'])).toBeUndefined();
    now = 1000;
    expect(cache.get('k', ['repository:a:pull'])).toBeUndefined();
  });
  it('replaces a token for the same scopes and forgets a refused one', () => {
    const cache = new TokenCache(() => 0);
    cache.put('k', { token: 't1', scopes: ['repository:a:pull'], renewAt: 10 });
    cache.put('k', { token: 't2', scopes: ['repository:a:pull'], renewAt: 10 });
    expect(cache.get('k', ['repository:a:pull'])?.token).toBe('t2');
    cache.delete('k', 't2');
    expect(cache.get('k', ['repository:a:pull'])).toBeUndefined();
  });
});
