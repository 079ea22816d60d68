// SecretSet (src/http/auth/secret-set.ts): the exact secrets one client holds, in every form
// it sent them.
import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../../../src/errors/index.js';
import { SecretSet } from '../../../../src/http/auth/secret-set.js';

describe('SecretSet', () => {
  const secrets = new SecretSet();
  secrets.addCredentials({ username: 'robot$ci', password: 'p@ss word/+1' });
  secrets.add('tok.en-1');

  it.each([
    ['raw', 'p@ss word/+1'],
    ['URL-encoded', encodeURIComponent('p@ss word/+1')],
    ['form-encoded', new URLSearchParams({ x: 'p@ss word/+1' }).toString().slice(2)],
    ['base64 of the password', Buffer.from('p@ss word/+1').toString('base64')],
    [
      'base64 user:password (the Basic value)',
      Buffer.from('robot$ci:p@ss word/+1').toString('base64'),
    ],
    ['a token', 'tok.en-1'],
  ])('scrubs the %s form', (_, form) => {
    expect(secrets.scrub(`echo ${form} echo`)).toBe('echo *** echo');
  });

  it('scrubs an error in place: message, fields, string arrays and the cause chain', () => {
    const cause = new Error('inner tok.en-1');
    const error = new RegistryError({
      problem: 'outer p@ss word/+1',
      url: 'https://r.example/?x=tok.en-1',
      registryCodes: ['tok.en-1'],
      cause,
    });
    secrets.scrubError(error);
    const shown = `${error.message}${JSON.stringify(error)}${error.stack}${String((error.cause as Error).message)}`;
    expect(shown).not.toContain('tok.en-1');
    expect(shown).not.toContain('p@ss word/+1');
    expect(error.registryCodes).toEqual(['***']);
    expect(Object.keys(error)).toContain('url'); // fields keep their enumerability
  });
});
