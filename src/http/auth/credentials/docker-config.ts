import { homedir } from 'node:os';
import { join } from 'node:path';
import { DOCKER_HUB_HOST } from '../../../manifest/reference.js';

/**
 * The parts of Docker's `config.json` the client reads (a containers `auth.json` has the same
 * shape; its `credsStore` is not read).
 */
export interface DockerConfigFile {
  /** Per-registry credential helpers: `{ "quay.io": "secretservice" }`. */
  credHelpers?: Record<string, string>;
  /** The default credential store, e.g. `desktop`, `osxkeychain`, `pass`. */
  credsStore?: string;
  /**
   * Stored credentials per registry, keyed by host (`quay.io`) or by URL
   * (`https://index.docker.io/v1/` for Docker Hub).
   */
  auths?: Record<
    string,
    {
      /** Base64 of `user:password` (split on the first `:`), as `docker login` writes it. */
      auth?: string;
      /** A user name stored in clear (used with `password` when `auth` is absent). */
      username?: string;
      /** A password stored in clear (used with `username` when `auth` is absent). */
      password?: string;
      /** An identity (refresh) token; preferred over `auth`, exchanged at the token endpoint. */
      identitytoken?: string;
    }
  >;
}

/** The key Docker uses for Docker Hub in `config.json`. */
export const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/';

/**
 * Where Docker's config is: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`.
 *
 * @example
 * ```ts
 * defaultDockerConfigPath(); // '/home/me/.docker/config.json'
 * ```
 */
export function defaultDockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env['DOCKER_CONFIG'] || join(homedir(), '.docker');
  return join(dir, 'config.json');
}

/** Docker Hub's host names: `docker.io`, `index.docker.io`, `registry-1.docker.io`. */
export function isDockerHubHost(host: string): boolean {
  return host === DOCKER_HUB_HOST || host === 'index.docker.io' || host === 'registry-1.docker.io';
}

/** The key a registry host has in `config.json`: Docker Hub's is `https://index.docker.io/v1/`. */
export function dockerConfigKey(host: string): string {
  return isDockerHubHost(host) ? DOCKER_HUB_CONFIG_KEY : host;
}

/** `https://quay.io/v1/` → `quay.io/v1/`: a key written as a URL, without its scheme. */
export function withoutScheme(key: string): string {
  return key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
}

/** `https://quay.io/v1/` → `quay.io`: keys may be written as URLs. */
function normalizeKey(key: string): string {
  if (key === DOCKER_HUB_CONFIG_KEY) return key;
  return dockerConfigKey(withoutScheme(key).replace(/\/.*$/, ''));
}

/**
 * The entry of `record` (`credHelpers` or `auths`) for `key` (see {@link dockerConfigKey}):
 * the exact key, else the first key that means the same host (`https://quay.io/v1/`).
 */
export function configEntry<T>(record: Record<string, T> | undefined, key: string): T | undefined {
  if (!record) return undefined;
  if (Object.hasOwn(record, key)) return record[key];
  for (const [candidate, value] of Object.entries(record)) {
    if (normalizeKey(candidate) === key) return value;
  }
  return undefined;
}
