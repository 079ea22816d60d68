import { Readable } from 'node:stream';
import { RegistryError } from '../errors/registry-error.js';
import { isLoopbackHost } from '../manifest/reference.js';
import type { RequestKind } from './request-event.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** One hop of a request: what is sent where. */
export interface Hop {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST';
  url: string;
  body?: Uint8Array | string | Readable | undefined;
  /** Sent as they are; `Authorization` is taken out when a redirect leaves the origin. */
  headers: Record<string, string>;
}

/** The request a chain of redirects started from. */
export interface FirstHop {
  method: string;
  url: string;
  kind: RequestKind;
}

/**
 * The hop a redirect answer leads to, or `undefined` when `response` is final. Refused (a
 * {@link RegistryError}): more than `maxRedirects` hops, a streamed body that would have to be
 * sent again, a Location that is not an http(s) URL, a token request leaving its origin (its
 * credentials are in its headers or its body), and HTTPS to plain HTTP off loopback. Leaving
 * the first hop's origin drops `Authorization` (Quay and ECR redirect blobs to S3); a 303,
 * and a 301/302 answering a POST, turn the request into a GET without a body.
 */
export function nextHop(
  first: FirstHop,
  hop: Hop,
  response: { status: number; headers: Record<string, string> },
  hops: number,
  maxRedirects: number,
): Hop | undefined {
  const { status } = response;
  const location = response.headers['location'];
  if (!REDIRECTS.has(status) || location === undefined) return undefined;
  const refused = (problem: string) =>
    new RegistryError({ method: hop.method, url: first.url, status, problem });
  if (hop.body instanceof Readable && status !== 303) {
    throw refused(`redirected (${status}), but its streamed body cannot be sent again`);
  }
  if (hops >= maxRedirects) throw refused(`too many redirects (more than ${maxRedirects})`);
  let next: URL;
  try {
    next = new URL(location, hop.url);
  } catch (error) {
    throw new RegistryError({
      method: hop.method,
      url: hop.url,
      status,
      problem: `answered ${status} with a Location header that is not a URL`,
      cause: error,
    });
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new RegistryError({
      method: hop.method,
      url: hop.url,
      problem: `redirected to a ${next.protocol} URL, which is refused`,
    });
  }
  let headers = hop.headers;
  if (next.origin !== new URL(first.url).origin) {
    if (first.kind === 'token') {
      throw refused(
        `the token endpoint's redirect (${status}) to another origin (${next.origin}) is not followed`,
      );
    }
    if (
      next.protocol === 'http:' &&
      new URL(hop.url).protocol === 'https:' &&
      !isLoopbackHost(next.host)
    ) {
      throw refused(`a redirect from HTTPS to plain HTTP (${next.origin}) is refused`);
    }
    headers = Object.fromEntries(
      Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'),
    );
  }
  const toGet = status === 303 || ((status === 301 || status === 302) && hop.method === 'POST');
  return toGet
    ? { method: 'GET', url: next.href, body: undefined, headers }
    : { method: hop.method, url: next.href, body: hop.body, headers };
}
