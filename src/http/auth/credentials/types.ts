/** A user name and password (or a personal access token used as a password). */
export interface PasswordCredentials {
  /** The user name. */
  username: string;
  /** The password or access token. Never logged, never put in an error. */
  password: string;
}

/**
 * An identity (refresh) token, as `docker login` stores for some registries
 * (`identitytoken` in `config.json`): exchanged at the token endpoint by a POST with
 * `grant_type=refresh_token`.
 */
export interface IdentityTokenCredentials {
  /** The identity token. Never logged, never put in an error. */
  identityToken: string;
}

/** Credentials for one registry. */
export type RegistryCredentials = PasswordCredentials | IdentityTokenCredentials;

/**
 * Gives the credentials for a registry host (as written in image references, e.g. `quay.io`,
 * `localhost:5000`, `docker.io`), or `undefined` for anonymous access. Called at most once per
 * host per client; the answer is remembered.
 *
 * @example
 * ```ts
 * const credentials: CredentialProvider = async (host) =>
 *   host === 'quay.io' ? { username: 'robot', password: process.env.QUAY_TOKEN! } : undefined;
 * ```
 */
export type CredentialProvider = (
  host: string,
) => Promise<RegistryCredentials | undefined> | RegistryCredentials | undefined;

/** True for {@link IdentityTokenCredentials}. */
export function isIdentityToken(
  credentials: RegistryCredentials | undefined,
): credentials is IdentityTokenCredentials {
  return (
    credentials !== undefined &&
    typeof (credentials as IdentityTokenCredentials).identityToken === 'string'
  );
}
