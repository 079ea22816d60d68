// pubtools-quay-style construction: user names and passwords (and hosts) instead of clients.
// The one place outside src/http/ that names the HTTP client.
import { HttpRegistryClient } from '../http/http-registry-client.js';
import type { Logger } from '../logger.js';
import { parseImageReference } from '../manifest/reference.js';
import type { RegistryClient } from '../registry/client.js';

/**
 * The pubtools-quay-compatible client of one side: an {@link HttpRegistryClient} with these
 * credentials when both are given, else `undefined` (as pubtools-quay builds a `QuayClient`).
 */
export function clientFromCredentials(
  username: string | undefined,
  password: string | undefined,
  logger: Logger | undefined,
): RegistryClient | undefined {
  return httpClient(username, password, logger);
}

function httpClient(
  username: string | undefined,
  password: string | undefined,
  logger: Logger | undefined,
): HttpRegistryClient | undefined {
  if (username === undefined || password === undefined) return undefined;
  return new HttpRegistryClient({ username, password, logger });
}

/** The clients and credentials of both sides, as a merger's options give them. */
export interface SideOptions {
  srcClient?: RegistryClient | undefined;
  destClient?: RegistryClient | undefined;
  srcUsername?: string | undefined;
  srcPassword?: string | undefined;
  destUsername?: string | undefined;
  destPassword?: string | undefined;
  logger?: Logger | undefined;
}

/** The clients of a batch, and how to close the ones built for it. */
export interface BatchClients {
  /** The source client: given, or built from credentials; none when neither. */
  srcClient?: RegistryClient;
  /** The destination client: given, built, or the source's when the credentials are the same. */
  destClient?: RegistryClient;
  /** Closes the connections of the clients built here (not of those given). */
  close(): void;
}

/**
 * One client per side for a whole batch (`mergeMany`), so that tokens are shared (one per
 * scope) and every connection is closed at the end. Given clients are used as they are; from
 * credentials, one {@link HttpRegistryClient} serves both sides when their credentials are
 * the same.
 */
export function batchClients(options: SideOptions): BatchClients {
  const owned: HttpRegistryClient[] = [];
  const build = (username: string | undefined, password: string | undefined) => {
    const client = httpClient(username, password, options.logger);
    if (client) owned.push(client);
    return client;
  };
  const srcClient = options.srcClient ?? build(options.srcUsername, options.srcPassword);
  const sameCredentials =
    options.destUsername === options.srcUsername && options.destPassword === options.srcPassword;
  const destClient =
    options.destClient ??
    (sameCredentials && !options.srcClient
      ? srcClient
      : build(options.destUsername, options.destPassword));
  return {
    ...(srcClient ? { srcClient } : {}),
    ...(destClient ? { destClient } : {}),
    close: () => {
      for (const client of owned) client.close();
    },
  };
}

/** `image` on another registry host (pubtools-quay's `host` / `src_quay_host`). */
export function rehost(image: string, host: string | undefined): string {
  if (host === undefined) return image;
  const ref = parseImageReference(image);
  return `${host}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}
