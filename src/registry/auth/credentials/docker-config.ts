import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DOCKER_HUB_HOST } from '../../reference.js';
import { runCredentialHelper } from './credential-helper.js';
import type { RegistryCredentials } from './types.js';

/** The parts of Docker's `config.json` the client reads. */
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

/**
 * Reads a Docker `config.json`. A missing file is an empty config; a file that is not JSON
 * is an error (naming the path, never the content).
 *
 * @example
 * ```ts
 * const config = await readDockerConfig(defaultDockerConfigPath());
 * ```
 */
export async function readDockerConfig(path: string): Promise<DockerConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`Cannot read Docker config ${path} (${(error as NodeJS.ErrnoException).code})`);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as DockerConfigFile) : {};
  } catch {
    throw new Error(`Docker config ${path} is not valid JSON`);
  }
}

/** The key a registry host has in `config.json`: Docker Hub's is `https://index.docker.io/v1/`. */
export function dockerConfigKey(host: string): string {
  return host === DOCKER_HUB_HOST || host === 'index.docker.io' || host === 'registry-1.docker.io'
    ? DOCKER_HUB_CONFIG_KEY
    : host;
}

/** `https://quay.io/v1/` → `quay.io`: keys may be written as URLs. */
function normalizeKey(key: string): string {
  if (key === DOCKER_HUB_CONFIG_KEY) return key;
  const stripped = key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/.*$/, '');
  if (['index.docker.io', 'docker.io', 'registry-1.docker.io'].includes(stripped)) {
    return DOCKER_HUB_CONFIG_KEY;
  }
  return stripped;
}

function lookup<T>(record: Record<string, T> | undefined, key: string): T | undefined {
  if (!record) return undefined;
  if (Object.hasOwn(record, key)) return record[key];
  for (const [candidate, value] of Object.entries(record)) {
    if (normalizeKey(candidate) === key) return value;
  }
  return undefined;
}

/** Options of {@link credentialsFromDockerConfig}. */
export interface DockerConfigLookupOptions {
  /** Environment for credential helpers. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** How long a credential helper may run. @default 30_000 */
  helperTimeoutMs?: number;
}

/**
 * The credentials `config.json` holds for a registry host, by Docker's order:
 * `credHelpers[host]` → `credsStore` → `auths[host]` (`auth` is base64 `user:pass`, split on
 * the first `:`; or `identitytoken`). `undefined` when there are none.
 *
 * @example
 * ```ts
 * await credentialsFromDockerConfig(await readDockerConfig(path), 'quay.io');
 * ```
 */
export async function credentialsFromDockerConfig(
  config: DockerConfigFile,
  host: string,
  options: DockerConfigLookupOptions = {},
): Promise<RegistryCredentials | undefined> {
  const key = dockerConfigKey(host);
  const helperOptions = {
    ...(options.env ? { env: options.env } : {}),
    ...(options.helperTimeoutMs !== undefined ? { timeoutMs: options.helperTimeoutMs } : {}),
  };
  const helper = lookup(config.credHelpers, key);
  if (helper) return runCredentialHelper(helper, key, helperOptions);
  if (config.credsStore) {
    const fromStore = await runCredentialHelper(config.credsStore, key, helperOptions);
    if (fromStore) return fromStore;
  }
  const entry = lookup(config.auths, key);
  if (!entry) return undefined;
  if (entry.identitytoken) return { identityToken: entry.identitytoken };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1)
      throw new Error(`Docker config entry for '${host}' has a malformed auth field`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username && entry.password) {
    return { username: entry.username, password: entry.password };
  }
  return undefined;
}
