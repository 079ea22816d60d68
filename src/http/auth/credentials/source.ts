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
 * One place credentials may come from, asked per registry host and repository (as
 * testcontainers' registry auth locators are): the explicit user name and password, the
 * `credentials` provider, the containers `auth.json` files, and Docker's `credHelpers`,
 * `credsStore` and `auths`.
 */
export interface CredentialSource {
  /** The source's name, for logs: `explicit`, `provider`, `containers-auth`, `credHelpers`, … */
  readonly name: string;
  /**
   * The credentials this source has for registry `host` (as written in references), for
   * `repository` on it (`ns/app`) when the lookup is for one: only the containers
   * `auth.json` has entries per namespace.
   */
  getCredentials(
    host: string,
    context: CredentialContext,
    repository?: string,
  ): Promise<CredentialAnswer>;
}

/**
 * The lookup a credential chain gives: credentials for a registry host (and a repository on
 * it), or `undefined` for anonymous access.
 */
export type CredentialLookup = (
  host: string,
  repository?: string,
) => Promise<RegistryCredentials | undefined>;

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
  repository?: string,
): Promise<RegistryCredentials | undefined> {
  for (const source of sources) {
    const answer = await source.getCredentials(host, context, repository);
    if (answer === NO_CREDENTIALS) return undefined;
    if (answer !== undefined) return answer;
  }
  return undefined;
}

/**
 * `work`, remembered per arguments: the first call starts it, later calls with the same
 * arguments share its promise. A failure is forgotten, so the next call tries again.
 *
 * @example
 * ```ts
 * const read = remembered((path: string) => readCredentialFile(path));
 * ```
 */
export function remembered<A extends unknown[], T>(
  work: (...args: A) => Promise<T>,
): (...args: A) => Promise<T> {
  const memo = new Map<string, Promise<T>>();
  return (...args) => {
    const key = JSON.stringify(args);
    let pending = memo.get(key);
    if (!pending) {
      pending = work(...args);
      memo.set(key, pending);
      pending.catch(() => memo.delete(key));
    }
    return pending;
  };
}
