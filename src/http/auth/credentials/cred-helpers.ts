import { runCredentialHelper } from './credential-helper.js';
import { configEntry, dockerConfigKey } from './docker-config.js';
import { type CredentialSource, NO_CREDENTIALS } from './source.js';

/**
 * Docker's `credHelpers[host]`: the helper named for the host answers for it alone; when it
 * has nothing, the host is anonymous (`credsStore` and `auths` are not asked), as in Docker.
 */
export const credHelpers: CredentialSource = {
  name: 'credHelpers',
  async getCredentials(host, context) {
    const key = dockerConfigKey(host);
    const helper = configEntry((await context.dockerConfig()).credHelpers, key);
    if (!helper) return undefined;
    return (await runCredentialHelper(helper, key, context.helper)) ?? NO_CREDENTIALS;
  },
};
