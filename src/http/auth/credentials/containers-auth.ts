import { homedir } from 'node:os';
import { join } from 'node:path';
import { DOCKER_HUB_HOST } from '../../../manifest/reference.js';
import { entryCredentials } from './auths.js';
import { type CredentialHelperOptions, runCredentialHelper } from './credential-helper.js';
import { type DockerConfigFile, isDockerHubHost, withoutScheme } from './docker-config.js';
import type { CredentialSource } from './source.js';
import type { RegistryCredentials } from './types.js';

/** One containers auth file to read; `required` when the user named it (a missing one fails). */
export interface ContainersAuthPath {
  path: string;
  required: boolean;
}

/** What the default paths depend on besides the environment. */
export interface ContainersAuthSystem {
  platform: NodeJS.Platform;
  /** The user id, for `/run/containers/$UID/auth.json`. */
  uid: number | undefined;
  home: string;
}

const AUTH_JSON = join('containers', 'auth.json');

function currentSystem(): ContainersAuthSystem {
  return { platform: process.platform, uid: process.getuid?.(), home: homedir() };
}

/**
 * The containers auth files, in the order of containers-auth.json(5): the file the user
 * named (`authFile`, else `$REGISTRY_AUTH_FILE`), else the primary file
 * (`$XDG_RUNTIME_DIR/containers/auth.json` on Linux, `/run/containers/$UID/auth.json` there
 * without `XDG_RUNTIME_DIR`, as podman; `~/.config/containers/auth.json` elsewhere); then
 * `${XDG_CONFIG_HOME:-~/.config}/containers/auth.json`.
 *
 * @example
 * ```ts
 * containersAuthPaths(undefined, { XDG_RUNTIME_DIR: '/run/user/1000' });
 * // [{ path: '/run/user/1000/containers/auth.json', required: false },
 * //  { path: '/home/me/.config/containers/auth.json', required: false }]
 * ```
 */
export function containersAuthPaths(
  authFile: string | undefined,
  env: NodeJS.ProcessEnv,
  system: ContainersAuthSystem = currentSystem(),
): ContainersAuthPath[] {
  const named = authFile || env['REGISTRY_AUTH_FILE'];
  const first = named
    ? { path: named, required: true }
    : { path: primaryPath(env, system), required: false };
  const user = join(env['XDG_CONFIG_HOME'] || join(system.home, '.config'), AUTH_JSON);
  return first.path === user ? [first] : [first, { path: user, required: false }];
}

function primaryPath(env: NodeJS.ProcessEnv, system: ContainersAuthSystem): string {
  if (system.platform === 'linux') {
    const runtimeDir = env['XDG_RUNTIME_DIR'];
    if (runtimeDir) return join(runtimeDir, AUTH_JSON);
    if (system.uid !== undefined) return `/run/containers/${system.uid}/auth.json`;
  }
  return join(system.home, '.config', AUTH_JSON);
}

/**
 * The registry a key names when it names a whole registry: `quay.io`, or a URL
 * (`https://quay.io/v1/` → `quay.io`), Docker Hub's names as `docker.io`; `undefined` for a
 * namespace key (`quay.io/ns`), which only matches exactly.
 */
function registryOfKey(key: string): string | undefined {
  const bare = withoutScheme(key);
  const host = bare === key ? bare : (bare.split('/')[0] ?? '');
  if (host.includes('/')) return undefined;
  return isDockerHubHost(host) ? DOCKER_HUB_HOST : host;
}

/** The key of `record` for the registry `host`: the exact one, else one meaning it. */
function registryKey(record: Record<string, unknown>, host: string): string | undefined {
  if (Object.hasOwn(record, host)) return host;
  const wanted = registryOfKey(host);
  return Object.keys(record).find((key) => registryOfKey(key) === wanted);
}

/** `record` when it is an object (a hand-edited file may hold anything). */
function objectOr<T>(record: Record<string, T> | undefined): Record<string, T> {
  return record !== null && typeof record === 'object' ? record : {};
}

/** `quay.io`, `ns/team/app` → `quay.io/ns/team/app`, `quay.io/ns/team`, `quay.io/ns`. */
function namespaceKeys(host: string, repository: string | undefined): string[] {
  const keys: string[] = [];
  let key = repository ? `${host}/${repository}` : host;
  while (key.length > host.length) {
    keys.push(key);
    key = key.slice(0, key.lastIndexOf('/'));
  }
  return keys;
}

/**
 * What one auth file holds for `host`/`repository`, as containers/image reads it: a
 * `credHelpers[host]` helper; else the most specific `auths` key (`host/ns/app`, `host/ns`,
 * `host`, or a URL of the host). `undefined`: nothing here (the next file is read).
 */
async function fromFile(
  file: DockerConfigFile,
  path: string,
  host: string,
  repository: string | undefined,
  helper: CredentialHelperOptions,
): Promise<RegistryCredentials | undefined> {
  const helpers = objectOr(file.credHelpers);
  const helperKey = registryKey(helpers, host);
  const name = helperKey === undefined ? undefined : helpers[helperKey];
  if (typeof name === 'string') return runCredentialHelper(name, host, helper);
  const auths = objectOr(file.auths);
  const key =
    namespaceKeys(host, repository).find((k) => Object.hasOwn(auths, k)) ??
    registryKey(auths, host);
  if (key === undefined) return undefined;
  return entryCredentials(auths[key], `auths[${JSON.stringify(key)}] in ${path}`);
}

/**
 * podman's, skopeo's and buildah's credentials (containers-auth.json(5)): the files `paths`
 * gives (asked on the first lookup, as the files are read then, not before) read in order
 * by `read`; the first file with credentials for the registry wins; in a file the most
 * specific key for the repository wins.
 */
export function containersAuth(
  paths: () => readonly ContainersAuthPath[],
  read: (path: string, required: boolean) => Promise<DockerConfigFile>,
): CredentialSource {
  let files: readonly ContainersAuthPath[] | undefined;
  return {
    name: 'containers-auth',
    async getCredentials(host, context, repository) {
      files ??= paths();
      for (const { path, required } of files) {
        const file = await read(path, required);
        const found = await fromFile(file, path, host, repository, context.helper);
        if (found) return found;
      }
      return undefined;
    },
  };
}
