import { runCredentialHelper } from './credential-helper.js';
import { dockerConfigKey } from './docker-config.js';
import type { CredentialSource } from './source.js';

/** Docker's `credsStore`: the default store's helper; when it has nothing, `auths` is asked. */
export const credsStore: CredentialSource = {
  name: 'credsStore',
  async getCredentials(host, context) {
    const store = (await context.dockerConfig()).credsStore;
    if (!store) return undefined;
    return runCredentialHelper(store, dockerConfigKey(host), context.helper);
  },
};
