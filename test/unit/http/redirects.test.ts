import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../../src/errors/registry-error.js';
import { type FirstHop, type Hop, nextHop } from '../../../src/http/redirects.js';

const first: FirstHop = {
  method: 'GET',
  url: 'https://reg.example/v2/a/blobs/x',
  kind: 'registry',
};
const hop = (over: Partial<Hop> = {}): Hop => ({
  method: 'GET',
  url: first.url,
  headers: { 'User-Agent': 'ua', Authorization: 'Bearer t' },
  ...over,
});
const answer = (status: number, location?: string) => ({
  status,
  headers: (location === undefined ? {} : { location }) as Record<string, string>,
});

describe('nextHop', () => {
  it.each([
    ['a 200', answer(200)],
    ['a 302 without Location', answer(302)],
    ['a 304', answer(304, '/elsewhere')],
  ])('%s is final', (_, response) => {
    expect(nextHop(first, hop(), response, 0, 5)).toBeUndefined();
  });

  it('follows a relative Location on the same origin, keeping Authorization', () => {
    const next = nextHop(first, hop(), answer(307, '/v2/a/blobs/y'), 0, 5);
    expect(next).toMatchObject({ method: 'GET', url: 'https://reg.example/v2/a/blobs/y' });
    expect(next?.headers['Authorization']).toBe('Bearer t');
  });

  it('drops Authorization (any case) when leaving the origin', () => {
    const headers = { 'User-Agent': 'ua', authorization: 'Bearer t' };
    const next = nextHop(first, hop({ headers }), answer(302, 'https://s3.example/b?sig=1'), 0, 5);
    expect(next?.headers).toEqual({ 'User-Agent': 'ua' });
    expect(headers.authorization).toBe('Bearer t'); // the caller's headers are not changed
  });

  it.each([
    [303, 'PUT', 'GET'],
    [302, 'POST', 'GET'],
    [301, 'POST', 'GET'],
    [307, 'POST', 'POST'],
    [308, 'PUT', 'PUT'],
  ] as const)('a %d after a %s goes on as a %s', (status, method, expected) => {
    const body = new Uint8Array([1]);
    const next = nextHop(first, hop({ method, body }), answer(status, '/next'), 0, 5);
    expect(next?.method).toBe(expected);
    expect(next?.body).toBe(expected === 'GET' ? undefined : body);
  });

  it.each([
    ['too many hops', hop(), answer(302, '/again'), 5, /too many redirects \(more than 5\)/i],
    [
      'a streamed body',
      hop({ body: Readable.from([]) }),
      answer(307, '/x'),
      0,
      /cannot be sent again/,
    ],
    ['a Location that is not a URL', hop(), answer(302, 'http://[zz'), 0, /not a URL/],
    ['a non-http protocol', hop(), answer(302, 'file:///etc/passwd'), 0, /file: URL/],
    ['HTTPS to plain HTTP', hop(), answer(302, 'http://reg.example/x'), 0, /plain HTTP/],
  ])('refuses %s', (_, current, response, hops, message) => {
    const refuse = () => nextHop(first, current, response, hops, 5);
    expect(refuse).toThrow(RegistryError);
    expect(refuse).toThrow(message);
  });

  it('allows HTTPS to plain HTTP on loopback', () => {
    expect(nextHop(first, hop(), answer(302, 'http://127.0.0.1:5000/x'), 0, 5)?.url).toBe(
      'http://127.0.0.1:5000/x',
    );
  });

  it('a token request never follows another origin', () => {
    const token: FirstHop = { method: 'POST', url: 'https://auth.example/token', kind: 'token' };
    const current = hop({ method: 'POST', url: token.url });
    expect(() => nextHop(token, current, answer(307, 'https://evil.example/'), 0, 5)).toThrow(
      /token endpoint's redirect/,
    );
    expect(nextHop(token, current, answer(307, '/token2'), 0, 5)?.url).toBe(
      'https://auth.example/token2',
    );
  });
});
