import { describe, expect, it } from 'vitest';
import { auths } from '../../../../../src/http/auth/credentials/auths.js';
import { credHelpers } from '../../../../../src/http/auth/credentials/cred-helpers.js';
import { credsStore } from '../../../../../src/http/auth/credentials/creds-store.js';
import type { DockerConfigFile } from '../../../../../src/http/auth/credentials/docker-config.js';
import { explicitCredentials } from '../../../../../src/http/auth/credentials/explicit.js';
import { providerCredentials } from '../../../../../src/http/auth/credentials/provider.js';
import {
  type CredentialAnswer,
  type CredentialContext,
  type CredentialSource,
  firstCredentials,
  NO_CREDENTIALS,
} from '../../../../../src/http/auth/credentials/source.js';

const context = (config: DockerConfigFile = {}): CredentialContext & { reads: number } => {
  const ctx = {
    reads: 0,
    dockerConfig: async () => {
      ctx.reads += 1;
      return config;
    },
    helper: { env: { PATH: '' } },
  };
  return ctx;
};

const fixed = (name: string, answer: CredentialAnswer, asked: string[]): CredentialSource => ({
  name,
  getCredentials: async () => {
    asked.push(name);
    return answer;
  },
});

describe('firstCredentials', () => {
  const found = { username: 'u', password: 'p' };
  it.each([
    ['the first answer wins', [undefined, found, { identityToken: 't' }], found, ['a', 'b']],
    ['nothing anywhere is anonymous', [undefined, undefined], undefined, ['a', 'b']],
    ['NO_CREDENTIALS stops the chain', [NO_CREDENTIALS, found], undefined, ['a']],
  ] as const)('%s', async (_, answers, expected, asked) => {
    const log: string[] = [];
    const sources = answers.map((answer, i) => fixed('abc'[i] as string, answer, log));
    expect(await firstCredentials(sources, 'quay.io', context())).toEqual(expected);
    expect(log).toEqual(asked);
  });
});

describe('the credential sources', () => {
  it('explicit: only when both user name and password are set (empty strings count)', async () => {
    const ctx = context();
    expect(await explicitCredentials('u', '').getCredentials('h', ctx)).toEqual({
      username: 'u',
      password: '',
    });
    expect(await explicitCredentials('u', undefined).getCredentials('h', ctx)).toBeUndefined();
    expect(await explicitCredentials(undefined, 'p').getCredentials('h', ctx)).toBeUndefined();
    expect(ctx.reads).toBe(0);
  });

  it('provider: asked with the host; no answer asks the next source', async () => {
    const source = providerCredentials((host) =>
      host === 'quay.io' ? { identityToken: 'x' } : undefined,
    );
    expect(await source.getCredentials('quay.io', context())).toEqual({ identityToken: 'x' });
    expect(await source.getCredentials('ghcr.io', context())).toBeUndefined();
  });

  it('the Docker config sources pass a host they have no entry for', async () => {
    const ctx = context({ auths: { 'other.io': { auth: btoa('a:b') } } });
    for (const source of [credHelpers, credsStore, auths]) {
      expect(await source.getCredentials('quay.io', ctx)).toBeUndefined();
    }
  });

  it('auths: identitytoken first, then auth, then username and password in clear', async () => {
    const ctx = context({
      auths: {
        'a.io': { identitytoken: 'id', auth: btoa('x:y') },
        'b.io': { auth: btoa('x:y'), username: 'n', password: 'm' },
        'c.io': { username: 'n', password: 'm' },
        'd.io': { username: 'n' },
      },
    });
    expect(await auths.getCredentials('a.io', ctx)).toEqual({ identityToken: 'id' });
    expect(await auths.getCredentials('b.io', ctx)).toEqual({ username: 'x', password: 'y' });
    expect(await auths.getCredentials('c.io', ctx)).toEqual({ username: 'n', password: 'm' });
    expect(await auths.getCredentials('d.io', ctx)).toBeUndefined();
  });
});
