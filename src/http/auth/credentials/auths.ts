import { CredentialSourceError } from '../../../errors/credential-source-error.js';
import { decodeBasic } from '../basic.js';
import { configEntry, dockerConfigKey } from './docker-config.js';
import type { CredentialSource } from './source.js';

/**
 * Docker's `auths[host]`: `identitytoken` first, else `auth` (base64 `user:password`, split
 * on the first `:`), else `username` and `password` in clear.
 *
 * @throws {CredentialSourceError} `malformed-entry` for an `auth` field with no `:` in it.
 */
export const auths: CredentialSource = {
  name: 'auths',
  async getCredentials(host, context) {
    const key = dockerConfigKey(host);
    const entry = configEntry((await context.dockerConfig()).auths, key);
    if (!entry) return undefined;
    if (entry.identitytoken) return { identityToken: entry.identitytoken };
    if (entry.auth) {
      const credentials = decodeBasic(entry.auth);
      if (credentials) return credentials;
      throw new CredentialSourceError({
        reason: 'malformed-entry',
        source: `auths[${JSON.stringify(key)}]`,
        detail: "its auth field has no ':' in it",
      });
    }
    if (entry.username && entry.password) {
      return { username: entry.username, password: entry.password };
    }
    return undefined;
  },
};
