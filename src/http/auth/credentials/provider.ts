import { type CredentialSource, remembered } from './source.js';
import type { CredentialProvider } from './types.js';

/**
 * The `credentials` option: the caller's provider, asked once per host (whatever the
 * repository); no answer asks the next source.
 */
export function providerCredentials(provider: CredentialProvider): CredentialSource {
  const ask = remembered(async (host: string) => (await provider(host)) || undefined);
  return { name: 'provider', getCredentials: (host) => ask(host) };
}
