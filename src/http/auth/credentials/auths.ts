import { CredentialSourceError } from '../../../errors/credential-source-error.js';
import { decodeBasic } from '../basic.js';
import { configEntry, type DockerConfigFile, dockerConfigKey } from './docker-config.js';
import type { CredentialSource } from './source.js';
import type { RegistryCredentials } from './types.js';

/** One entry of `auths`, in Docker's `config.json` or a containers `auth.json`. */
export type AuthEntry = NonNullable<DockerConfigFile['auths']>[string];

/**
 * The credentials one `auths` entry holds: `identitytoken` first, else `auth` (base64
 * `user:password`, split on the first `:`), else `username` and `password` in clear;
 * `undefined` for an entry with none (`{}`, as `docker login` leaves next to a helper).
 *
 * @param where names the entry in an error, e.g. `auths["quay.io"] in /path/auth.json`.
 * @throws {CredentialSourceError} `malformed-entry` for an `auth` field with no `:` in it.
 */
export function entryCredentials(
  entry: AuthEntry | undefined,
  where: string,
): RegistryCredentials | undefined {
  if (!entry || typeof entry !== 'object') return undefined;
  if (entry.identitytoken) return { identityToken: entry.identitytoken };
  if (entry.auth) {
    const credentials = decodeBasic(entry.auth);
    if (credentials) return credentials;
    throw new CredentialSourceError({
      reason: 'malformed-entry',
      source: where,
      detail: "its auth field has no ':' in it",
    });
  }
  if (entry.username && entry.password) {
    return { username: entry.username, password: entry.password };
  }
  return undefined;
}

/** Docker's `auths[host]`, read by {@link entryCredentials}. */
export const auths: CredentialSource = {
  name: 'auths',
  async getCredentials(host, context) {
    const key = dockerConfigKey(host);
    const entry = configEntry((await context.dockerConfig()).auths, key);
    return entryCredentials(entry, `auths[${JSON.stringify(key)}]`);
  },
};
