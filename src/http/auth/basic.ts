import type { PasswordCredentials } from './credentials/types.js';

/**
 * The `Authorization` value of HTTP Basic for `credentials`: `Basic base64(user:password)`,
 * UTF-8. The one place a Basic header is built (registry requests and token requests).
 *
 * @example
 * ```ts
 * basicAuthorization({ username: 'u', password: 'p' }); // 'Basic dTpw'
 * ```
 */
export function basicAuthorization(credentials: PasswordCredentials): string {
  return `Basic ${encodeBasic(credentials)}`;
}

/** `base64(user:password)`: the Basic credentials, and the `auth` field of Docker's config. */
export function encodeBasic({ username, password }: PasswordCredentials): string {
  return Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
}

/**
 * The inverse of {@link encodeBasic}: splits the decoded text on its first `:` (a password
 * may hold more). `undefined` when there is no `:`.
 *
 * @example
 * ```ts
 * decodeBasic(encodeBasic({ username: 'robot', password: 'pa:ss' })); // { username: 'robot', password: 'pa:ss' }
 * ```
 */
export function decodeBasic(encoded: string): PasswordCredentials | undefined {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
