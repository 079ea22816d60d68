// pubtools-quay-style construction: user names and passwords (and hosts) instead of clients.
// The one place outside src/http/ that names the HTTP client.
import { HttpRegistryClient } from '../http/http-registry-client.js';
import type { Logger } from '../logger.js';
import { parseImageReference } from '../manifest/reference.js';

/**
 * The pubtools-quay-compatible client of one side: an {@link HttpRegistryClient} with these
 * credentials when both are given, else `undefined` (as pubtools-quay builds a `QuayClient`).
 */
export function clientFromCredentials(
  username: string | undefined,
  password: string | undefined,
  logger: Logger | undefined,
): HttpRegistryClient | undefined {
  if (username === undefined || password === undefined) return undefined;
  return new HttpRegistryClient({ username, password, logger });
}

/** `image` on another registry host (pubtools-quay's `host` / `src_quay_host`). */
export function rehost(image: string, host: string | undefined): string {
  if (host === undefined) return image;
  const ref = parseImageReference(image);
  return `${host}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}
