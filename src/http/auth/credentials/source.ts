import type { CredentialHelperOptions } from './credential-helper.js';
import type { DockerConfigFile } from './docker-config.js';
import type { RegistryCredentials } from './types.js';

/**
 * What a {@link CredentialSource} answers for a host: credentials; `undefined` (nothing
 * here, ask the next source); or {@link NO_CREDENTIALS} (this source speaks for the host and
 * has nothing: anonymous, the sources after it are not asked — Docker's `credHelpers`).
 */
export type CredentialAnswer = RegistryCredentials | typeof NO_CREDENTIALS | undefined;

/** The answer of a source that speaks for a host and has no credentials for it. */
export const NO_CREDENTIALS: unique symbol = Symbol('no credentials');

/** What a source may use: the Docker config (read on first use) and how helpers run. */
export interface CredentialContext {
  /** The Docker config, read once, when a source first asks for it. */
  dockerConfig: () => Promise<DockerConfigFile>;
  /** Environment, timeout and output cap of credential helpers. */
  helper: CredentialHelperOptions;
}

/**
 * One place credentials may come from, asked host by host (as testcontainers' registry auth
 * locators are): the explicit user name and password, the `credentials` provider, and
 * Docker's `credHelpers`, `credsStore` and `auths`.
 */
export interface CredentialSource {
  /** The source's name, for logs: `explicit`, `provider`, `credHelpers`, … */
  readonly name: string;
  /** The credentials this source has for registry `host` (as written in references). */
  getCredentials(host: string, context: CredentialContext): Promise<CredentialAnswer>;
}

/**
 * Asks `sources` in order and returns the first credentials found; `undefined` when none has
 * any, or one answered {@link NO_CREDENTIALS}.
 *
 * @example
 * ```ts
 * await firstCredentials([credHelpers, credsStore, auths], 'quay.io', context);
 * ```
 */
export async function firstCredentials(
  sources: readonly CredentialSource[],
  host: string,
  context: CredentialContext,
): Promise<RegistryCredentials | undefined> {
  for (const source of sources) {
    const answer = await source.getCredentials(host, context);
    if (answer === NO_CREDENTIALS) return undefined;
    if (answer !== undefined) return answer;
  }
  return undefined;
}
