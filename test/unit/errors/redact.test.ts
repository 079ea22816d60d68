// redact(): the net for secrets of unknown shape in every message and log line.
import { describe, expect, it } from 'vitest';
import { redact } from '../../../src/errors/redact.js';

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
