import { auths } from './auths.js';
import { containersAuth, containersAuthPaths } from './containers-auth.js';
import { credHelpers } from './cred-helpers.js';
import { readCredentialFile } from './credential-file.js';
import { credsStore } from './creds-store.js';
import { type DockerConfigFile, defaultDockerConfigPath } from './docker-config.js';
import { explicitCredentials } from './explicit.js';
import { providerCredentials } from './provider.js';
import {
  type CredentialContext,
  type CredentialLookup,
  type CredentialSource,
  firstCredentials,
  remembered,
} from './source.js';
import type { CredentialProvider, RegistryCredentials } from './types.js';

/** Docker's order of lookup in `config.json`: `credHelpers[host]` → `credsStore` → `auths[host]`. */
export const DOCKER_CONFIG_SOURCES: readonly CredentialSource[] = Object.freeze([
  credHelpers,
  credsStore,
  auths,
]);

/** Where {@link createCredentialChain} looks, first match wins. */
export interface CredentialSources {
  /** Used for every registry when both are set. */
  username?: string | undefined;
  /** Used for every registry when `username` is set too. */
  password?: string | undefined;
  /** Asked per registry host when no username/password is set. */
  credentials?: CredentialProvider | undefined;
  /**
   * podman's `auth.json` files: `true` the default ones (`$REGISTRY_AUTH_FILE`, …); a
   * string: the file to read first instead of `$REGISTRY_AUTH_FILE` or the primary one.
   */
  containersAuth?: boolean | string | undefined;
  /** `true`: the default `config.json`; a string: its path; an object: the parsed file. */
  dockerConfig?: boolean | string | DockerConfigFile | undefined;
  /**
   * Environment for `$DOCKER_CONFIG`, `$REGISTRY_AUTH_FILE`, `$XDG_RUNTIME_DIR`,
   * `$XDG_CONFIG_HOME` and credential helpers. @default process.env
   */
  env?: NodeJS.ProcessEnv | undefined;
  /**
   * How long a credential helper may run, in ms.
   * @default the `MLM_CREDENTIAL_HELPER_TIMEOUT_MS` variable of `env`, else 30_000
   */
  helperTimeoutMs?: number | undefined;
  /** The most a credential helper may print, in bytes. @default 65_536 (64 KiB) */
  helperMaxOutputBytes?: number | undefined;
  /** The largest credential file read, in bytes. @default 1_048_576 (1 MiB) */
  maxCredentialFileBytes?: number | undefined;
}

/**
 * A credential lookup that asks its sources in order: `username`/`password`, the
 * `credentials` provider, the containers `auth.json` files ({@link containersAuthPaths}),
 * then Docker's config ({@link DOCKER_CONFIG_SOURCES}). Nothing is read before the first
 * lookup; each file is read once, when a source first needs it. The answer per host and
 * repository is remembered (a failed lookup is not).
 *
 * @example
 * ```ts
 * const lookup = createCredentialChain({ containersAuth: true, dockerConfig: true });
 * await lookup('quay.io', 'acme/app');
 * ```
 */
export function createCredentialChain(options: CredentialSources): CredentialLookup {
  const env = options.env ?? process.env;
  const maxBytes = options.maxCredentialFileBytes;
  // Each file read once, shared by the containers files and Docker's config.
  const read = remembered((path: string, required: boolean) =>
    readCredentialFile(path, { maxBytes, required }),
  );
  const sources: CredentialSource[] = [explicitCredentials(options.username, options.password)];
  if (options.credentials) sources.push(providerCredentials(options.credentials));
  if (options.containersAuth) {
    const named = typeof options.containersAuth === 'string' ? options.containersAuth : undefined;
    sources.push(containersAuth(() => containersAuthPaths(named, env), read));
  }
  if (options.dockerConfig) sources.push(...DOCKER_CONFIG_SOURCES);
  const context: CredentialContext = {
    dockerConfig: () => {
      const source = options.dockerConfig;
      if (typeof source === 'object') return Promise.resolve(source);
      return read(typeof source === 'string' ? source : defaultDockerConfigPath(env), false);
    },
    helper: {
      env: options.env,
      timeoutMs: options.helperTimeoutMs,
      maxOutputBytes: options.helperMaxOutputBytes,
    },
  };
  return remembered((host: string, repository?: string) =>
    firstCredentials(sources, host, context, repository),
  );
}

/** Options of {@link credentialsFromDockerConfig}. */
export interface DockerConfigLookupOptions {
  /** Environment for credential helpers. @default process.env */
  env?: NodeJS.ProcessEnv;
  /**
   * How long a credential helper may run, in ms.
   * @default the `MLM_CREDENTIAL_HELPER_TIMEOUT_MS` variable of `env`, else 30_000
   */
  helperTimeoutMs?: number | undefined;
  /**
   * The most a credential helper may print, in bytes.
   * @default 65_536 (64 KiB)
   */
  helperMaxOutputBytes?: number | undefined;
}

/**
 * The credentials a parsed `config.json` holds for a registry host, by Docker's order
 * ({@link DOCKER_CONFIG_SOURCES}). `undefined` when there are none.
 *
 * @throws {CredentialSourceError} when a helper fails, or an `auth` field is malformed.
 * @example
 * ```ts
 * await credentialsFromDockerConfig(await readCredentialFile(path), 'quay.io');
 * ```
 */
export function credentialsFromDockerConfig(
  config: DockerConfigFile,
  host: string,
  options: DockerConfigLookupOptions = {},
): Promise<RegistryCredentials | undefined> {
  return firstCredentials(DOCKER_CONFIG_SOURCES, host, {
    dockerConfig: () => Promise.resolve(config),
    helper: {
      env: options.env,
      timeoutMs: options.helperTimeoutMs,
      maxOutputBytes: options.helperMaxOutputBytes,
    },
  });
}
