import {
  credentialsFromDockerConfig,
  type DockerConfigFile,
  defaultDockerConfigPath,
  readDockerConfig,
} from './docker-config.js';
import type { CredentialProvider, RegistryCredentials } from './types.js';

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
 * A credential provider that asks, in order: `username`/`password`, the `credentials`
 * provider, Docker's config (`credHelpers` → `credsStore` → `auths`). The answer per host is
 * remembered (a failed lookup is not).
 *
 * @example
 * ```ts
 * const lookup = createCredentialChain({ dockerConfig: true });
 * await lookup('quay.io');
 * ```
 */
export function createCredentialChain(sources: CredentialSources): CredentialProvider {
  const memo = new Map<string, Promise<RegistryCredentials | undefined>>();
  let configPromise: Promise<DockerConfigFile> | undefined;
  const loadConfig = (): Promise<DockerConfigFile> => {
    const source = sources.dockerConfig;
    if (typeof source === 'object') return Promise.resolve(source);
    configPromise ??= readDockerConfig(
      typeof source === 'string' ? source : defaultDockerConfigPath(sources.env ?? process.env),
      { maxBytes: sources.maxDockerConfigBytes },
    );
    return configPromise;
  };

  const resolve = async (host: string): Promise<RegistryCredentials | undefined> => {
    if (sources.username !== undefined && sources.password !== undefined) {
      return { username: sources.username, password: sources.password };
    }
    if (sources.credentials) {
      const given = await sources.credentials(host);
      if (given) return given;
    }
    if (sources.dockerConfig) {
      const config = await loadConfig();
      return credentialsFromDockerConfig(config, host, {
        env: sources.env,
        helperTimeoutMs: sources.helperTimeoutMs,
        helperMaxOutputBytes: sources.helperMaxOutputBytes,
      });
    }
    return undefined;
  };

  return (host: string) => {
    let pending = memo.get(host);
    if (!pending) {
      pending = resolve(host);
      memo.set(host, pending);
      pending.catch(() => memo.delete(host));
    }
    return pending;
  };
}
