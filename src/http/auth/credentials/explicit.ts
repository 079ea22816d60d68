import type { CredentialSource } from './source.js';

/**
 * The `username` and `password` options: the same credentials for every registry, when both
 * are set (an empty string counts as set).
 */
export function explicitCredentials(
  username: string | undefined,
  password: string | undefined,
): CredentialSource {
  return {
    name: 'explicit',
    getCredentials: async () =>
      username !== undefined && password !== undefined ? { username, password } : undefined,
  };
}
