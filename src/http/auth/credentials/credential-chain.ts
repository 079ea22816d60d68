import { auths } from './auths.js';
import { credHelpers } from './cred-helpers.js';
import { credsStore } from './creds-store.js';
import {
  type DockerConfigFile,
  defaultDockerConfigPath,
  readDockerConfig,
} from './docker-config.js';
import { explicitCredentials } from './explicit.js';
import { providerCredentials } from './provider.js';
import { type CredentialContext, type CredentialSource, firstCredentials } from './source.js';
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
  /** `true`: the default `config.json`; a string: its path; an object: the parsed file. */
  dockerConfig?: boolean | string | DockerConfigFile | undefined;
  /** Environment for `$DOCKER_CONFIG` and credential helpers. @default process.env */
  env?: NodeJS.ProcessEnv | undefined;
  /**
   * How long a credential helper may run, in ms.
   * @default the `MLM_CREDENTIAL_HELPER_TIMEOUT_MS` variable of `env`, else 30_000
   */
  helperTimeoutMs?: number | undefined;
  /** The most a credential helper may print, in bytes. @default 65_536 (64 KiB) */
  helperMaxOutputBytes?: number | undefined;
  /** The largest Docker config file read, in bytes. @default 1_048_576 (1 MiB) */
  maxDockerConfigBytes?: number | undefined;
}

/**
 * A credential provider that asks its sources in order: `username`/`password`, the
 * `credentials` provider, then Docker's config ({@link DOCKER_CONFIG_SOURCES}). Nothing is
 * read before the first lookup; the config file is read once, when a Docker source first
 * needs it. The answer per host is remembered (a failed lookup is not).
 *
 * @example
 * ```ts
 * const lookup = createCredentialChain({ dockerConfig: true });
 * await lookup('quay.io');
 * ```
 */
export function createCredentialChain(options: CredentialSources): CredentialProvider {
  const sources: CredentialSource[] = [explicitCredentials(options.username, options.password)];
  if (options.credentials) sources.push(providerCredentials(options.credentials));
  if (options.dockerConfig) sources.push(...DOCKER_CONFIG_SOURCES);
  let config: Promise<DockerConfigFile> | undefined;
  const context: CredentialContext = {
    dockerConfig: () => {
      const source = options.dockerConfig;
      if (typeof source === 'object') return Promise.resolve(source);
      config ??= readDockerConfig(
        typeof source === 'string' ? source : defaultDockerConfigPath(options.env ?? process.env),
        { maxBytes: options.maxDockerConfigBytes },
      );
      return config;
    },
    helper: {
      env: options.env,
      timeoutMs: options.helperTimeoutMs,
      maxOutputBytes: options.helperMaxOutputBytes,
    },
  };
  const memo = new Map<string, Promise<RegistryCredentials | undefined>>();
  return (host: string) => {
    let pending = memo.get(host);
    if (!pending) {
      pending = firstCredentials(sources, host, context);
      memo.set(host, pending);
      pending.catch(() => memo.delete(host));
    }
    return pending;
  };
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
 * await credentialsFromDockerConfig(await readDockerConfig(path), 'quay.io');
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
