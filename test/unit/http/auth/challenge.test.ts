import { describe, expect, it } from 'vitest';
import { findChallenge, parseWwwAuthenticate } from '../../../../src/http/auth/challenge.js';

describe('parseWwwAuthenticate', () => {
  it('parses a distribution Bearer challenge with commas in a quoted scope', () => {
    expect(
      parseWwwAuthenticate(
        'Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:ns/app:pull,push"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.example.com/token',
          service: 'registry.example.com',
          scope: 'repository:ns/app:pull,push',
        },
      },
    ]);
  });

  it('parses several challenges in one header', () => {
    const parsed = parseWwwAuthenticate(
      'Basic realm="simple, with comma", Bearer realm="https://a/t", service=reg, Newauth realm="apps", type=1, title="Login to \\"apps\\""',
    );
    expect(parsed.map((c) => c.scheme)).toEqual(['basic', 'bearer', 'newauth']);
    expect(parsed[0]?.params).toEqual({ realm: 'simple, with comma' });
    expect(parsed[1]?.params).toEqual({ realm: 'https://a/t', service: 'reg' });
    expect(parsed[2]?.params).toEqual({ realm: 'apps', type: '1', title: 'Login to "apps"' });
  });

  it('unescapes quoted-pairs and keeps other characters', () => {
    expect(parseWwwAuthenticate('Bearer realm="a\\\\b\\"c\\d=e"')[0]?.params['realm']).toBe(
      'a\\b"cd=e',
    );
  });

  it('lower-cases schemes and param names, tolerates spaces around "="', () => {
    expect(parseWwwAuthenticate('BEARER Realm = "x" ,  Service= y')).toEqual([
      { scheme: 'bearer', params: { realm: 'x', service: 'y' } },
    ]);
  });

  it('reads a token68 challenge and a bare scheme', () => {
    expect(parseWwwAuthenticate('Negotiate abc+/9==, Basic')).toEqual([
      { scheme: 'negotiate', params: {}, token68: 'abc+/9==' },
      { scheme: 'basic', params: {} },
    ]);
  });

  it('takes arrays of headers and tolerates junk', () => {
    expect(
      parseWwwAuthenticate(['Basic realm=x', 'Bearer realm="y"']).map((c) => c.scheme),
    ).toEqual(['basic', 'bearer']);
    expect(parseWwwAuthenticate(undefined)).toEqual([]);
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(parseWwwAuthenticate(',,, ;;')).toEqual([]);
    expect(parseWwwAuthenticate('Bearer realm="unterminated')[0]?.params['realm']).toBe(
      'unterminated',
    );
  });

  it('finds the preferred challenge', () => {
    const parsed = parseWwwAuthenticate('Negotiate, Basic realm="b", Bearer realm="t"');
    expect(findChallenge(parsed, ['bearer', 'basic'])?.scheme).toBe('bearer');
    expect(findChallenge(parsed, ['basic', 'bearer'])?.scheme).toBe('basic');
    expect(findChallenge(parsed, ['digest'])).toBeUndefined();
  });
});
