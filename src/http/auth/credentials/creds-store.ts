import { runCredentialHelper } from './credential-helper.js';
import { dockerConfigKey } from './docker-config.js';
import { type CredentialSource, NO_CREDENTIALS } from './source.js';

/**
 * Docker's `credsStore`: the default store's helper. It speaks for every host it is asked
 * about: when it has nothing, the host is anonymous (`auths` is not asked), as in Docker.
 */
export const credsStore: CredentialSource = {
  name: 'credsStore',
  async getCredentials(host, context) {
    const store = (await context.dockerConfig()).credsStore;
    if (!store) return undefined;
    return (
      (await runCredentialHelper(store, dockerConfigKey(host), context.helper)) ?? NO_CREDENTIALS
    );
  },
};
