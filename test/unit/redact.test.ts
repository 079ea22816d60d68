// redact(): the net for secrets of unknown shape in every message and log line, and
// SecretSet: the exact secrets one client holds, in every form it sent them.
import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors/index.js';
import { redact } from '../../src/errors/redact.js';
import { SecretSet } from '../../src/http/auth/secret-set.js';

const JWT =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg';
const PAIR = Buffer.from('robot$ci:s3cr3t-passw0rd').toString('base64');

describe('redact', () => {
  it.each([
    ['a bare JWT', `token ${JWT} expired`, 'token *** expired'],
    ['an unsigned JWT', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0. x', '*** x'],
    ['password X', 'invalid password hunter2-x', 'invalid password ***'],
    ['password: X', 'password: hunter2', 'password: ***'],
    ['password=X', 'user=a&password=hunter2&x=1', 'user=a&password=***&x=1'],
    ['"password":"X"', '{"password":"hunter2"}', '{"password":"***"}'],
    ['a bare base64 user:password', `auth ${PAIR} refused`, 'auth *** refused'],
    [
      'an S3 presigned URL',
      'GET https://b.s3.amazonaws.com/k/blob?X-Amz-Algorithm=A&X-Amz-Credential=AKIA%2Fx&X-Amz-Signature=abc123 failed',
      'GET https://b.s3.amazonaws.com/k/blob?<redacted> failed',
    ],
    [
      'a GCS signed URL',
      'https://storage.googleapis.com/b/o?X-Goog-Signature=abc&X-Goog-Date=1',
      'https://storage.googleapis.com/b/o?<redacted>',
    ],
    [
      'an Azure SAS URL',
      'https://acct.blob.core.windows.net/c/b?sv=2020-08-04&sig=abc%3D',
      'https://acct.blob.core.windows.net/c/b?<redacted>',
    ],
    [
      'a CloudFront signed URL',
      'https://d1.cloudfront.net/blob?Expires=1&Signature=abc~d&Key-Pair-Id=K',
      'https://d1.cloudfront.net/blob?<redacted>',
    ],
    [
      'Basic and Bearer values',
      'Authorization: Basic dTpw, Bearer abc.def',
      'Authorization: Basic ***, Bearer ***',
    ],
    ['URL user-info', 'GET https://user:pw@quay.io/v2/', 'GET https://***@quay.io/v2/'],
  ])('hides %s', (_, input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it.each([
    'GET http://127.0.0.1:5000/v2/library/ubuntu/manifests/latest answered HTTP 404: MANIFEST_UNKNOWN',
    `GET https://quay.io/v2/ns/app/blobs/sha256:${'ab'.repeat(32)} answered HTTP 401`,
    'the password is wrong',
    'a password must be given',
    'GET https://quay.io/v2/ns/app/blobs/uploads/?mount=sha256:abc&from=ns/src',
    'Pushed application/vnd.oci.image.index.v1+json to quay.io/ns/app:1.0',
  ])('leaves %j as it is', (text) => {
    expect(redact(text)).toBe(text);
  });
});

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
