import type { CredentialSource } from './source.js';
import type { CredentialProvider } from './types.js';

/** The `credentials` option: the caller's provider, asked per host; no answer asks the next source. */
export function providerCredentials(provider: CredentialProvider): CredentialSource {
  return {
    name: 'provider',
    getCredentials: async (host) => (await provider(host)) || undefined,
  };
}
