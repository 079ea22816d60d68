import { describe, expect, it } from 'vitest';
import { parseScope, repositoryScope, scopesCover } from '../../../../src/http/auth/scope.js';

describe('scopes', () => {
  it('builds and parses repository scopes', () => {
    expect(repositoryScope('ns/app', ['pull', 'push', 'pull'])).toBe('repository:ns/app:pull,push');
    expect(parseScope('repository:host:5000/x:pull')).toEqual({
      resource: 'repository:host:5000/x',
      actions: new Set(['pull']),
    });
  });
  it('a pull,push grant covers pull; pull does not cover push; * covers all', () => {
    expect(scopesCover(['repository:a:pull,push'], ['repository:a:pull'])).toBe(true);
    expect(scopesCover(['repository:a:pull'], ['repository:a:pull,push'])).toBe(false);
    expect(scopesCover(['repository:a:*'], ['repository:a:pull,push'])).toBe(true);
    expect(scopesCover(['repository:a:pull'], ['repository:b:pull'])).toBe(false);
    expect(
      scopesCover(
        ['repository:a:pull', 'repository:b:push'],
        ['repository:b:push', 'repository:a:pull'],
      ),
    ).toBe(true);
  });
});
