import { describe, expect, it } from 'vitest';
import { InvalidReferenceError } from '../../../src/errors/index.js';
import {
  isLoopbackHost,
  parseImageReference,
  splitHostPort,
} from '../../../src/manifest/reference.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseImageReference', () => {
  it.each([
    [
      'ubuntu',
      'docker.io',
      'registry-1.docker.io',
      'library/ubuntu',
      undefined,
      undefined,
      'latest',
    ],
    [
      'ubuntu:22.04',
      'docker.io',
      'registry-1.docker.io',
      'library/ubuntu',
      '22.04',
      undefined,
      '22.04',
    ],
    ['user/app', 'docker.io', 'registry-1.docker.io', 'user/app', undefined, undefined, 'latest'],
    [
      'docker.io/ubuntu',
      'docker.io',
      'registry-1.docker.io',
      'library/ubuntu',
      undefined,
      undefined,
      'latest',
    ],
    [
      'index.docker.io/library/ubuntu:x',
      'docker.io',
      'registry-1.docker.io',
      'library/ubuntu',
      'x',
      undefined,
      'x',
    ],
    ['quay.io/ns/app:1.0', 'quay.io', 'quay.io', 'ns/app', '1.0', undefined, '1.0'],
    ['quay.io/app', 'quay.io', 'quay.io', 'app', undefined, undefined, 'latest'],
    ['localhost/app', 'localhost', 'localhost', 'app', undefined, undefined, 'latest'],
    [
      'localhost:5000/a/b/c:T_a-g.1',
      'localhost:5000',
      'localhost:5000',
      'a/b/c',
      'T_a-g.1',
      undefined,
      'T_a-g.1',
    ],
    ['127.0.0.1:5000/ns/app@' + D, '127.0.0.1:5000', '127.0.0.1:5000', 'ns/app', undefined, D, D],
    ['[::1]:5000/app:v1@' + D, '[::1]:5000', '[::1]:5000', 'app', 'v1', D, D],
    [
      'registry.example.com:443/a__b/c-d/e.f:1',
      'registry.example.com:443',
      'registry.example.com:443',
      'a__b/c-d/e.f',
      '1',
      undefined,
      '1',
    ],
    ['ns/app@' + D, 'docker.io', 'registry-1.docker.io', 'ns/app', undefined, D, D],
  ])('%s', (input, host, apiHost, repository, tag, digest, identifier) => {
    const ref = parseImageReference(input);
    expect(ref).toMatchObject({ host, apiHost, repository, tag, digest, identifier });
  });

  it('prints the canonical form', () => {
    expect(String(parseImageReference('ubuntu'))).toBe('docker.io/library/ubuntu');
    expect(String(parseImageReference('quay.io/ns/app:1@' + D))).toBe(`quay.io/ns/app:1@${D}`);
    expect(`${parseImageReference('localhost:5000/app:v')}`).toBe('localhost:5000/app:v');
  });

  it('treats a first component without "." or ":" as a Docker Hub namespace', () => {
    expect(parseImageReference('myregistry/app').host).toBe('docker.io');
    expect(parseImageReference('myregistry/app').repository).toBe('myregistry/app');
  });

  it('keeps tags case-sensitive', () => {
    expect(parseImageReference('quay.io/ns/app:V1.0-RC').tag).toBe('V1.0-RC');
  });

  it.each([
    ['', 'empty'],
    [' ubuntu', 'whitespace'],
    ['Quay.io/NS/App', 'lower-case'],
    ['quay.io/NS/app', "'NS' must be lower-case"],
    ['UPPER', 'lower-case'],
    ['quay.io/ns//app', 'empty path component'],
    ['quay.io/', 'missing repository'],
    ['quay.io/ns/app:', 'tag'],
    ['quay.io/ns/app:-bad', 'tag'],
    ['quay.io/ns/app:' + 'x'.repeat(129), 'tag'],
    ['quay.io/ns/app@sha256:abc', '64 lower-case hex'],
    ['quay.io/ns/app@sha256:' + 'A'.repeat(64), '64 lower-case hex'],
    ['quay.io/ns/app@nodigest', 'algorithm:hex'],
    ['quay.io/ns/-app', 'path component'],
    ['quay.io/ns/app_', 'path component'],
    ['quay.io/ns/a..b', 'path component'],
    ['bad_host.io:x/app', 'registry host'],
    ['-bad.io/app', 'registry host'],
    [`quay.io/${'a'.repeat(260)}`, 'longer than 255'],
    // Pass the grammar, but no URL parser takes them (out-of-range IPv4, a port past 65535).
    ['127.999.999.999:5000/app', 'registry host'],
    ['1.2.3.4.5:5000/app', 'registry host'],
    ['99999999999:5000/app', 'registry host'],
    ['localhost:99999/app', 'registry host'],
    ['[::zz]:5000/app', 'registry host'],
  ])('rejects %j', (input, problem) => {
    let error: unknown;
    try {
      parseImageReference(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidReferenceError);
    expect((error as InvalidReferenceError).message).toContain(`'${input}'`);
    expect((error as InvalidReferenceError).message).toContain(problem);
    expect((error as InvalidReferenceError).code).toBe('INVALID_REFERENCE');
    expect((error as InvalidReferenceError).reference).toBe(input);
  });
});

describe('hosts', () => {
  it.each([
    ['localhost', true],
    ['localhost:5000', true],
    ['127.0.0.1:5000', true],
    ['127.1.2.3', true],
    ['[::1]:5000', true],
    ['registry.localhost', false], // resolved by DNS on many machines: not trusted
    ['128.0.0.1', false],
    ['quay.io', false],
    ['localhost.example.com', false],
    ['10.0.0.1:5000', false],
  ])('isLoopbackHost(%s) = %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });

  it('splits host and port', () => {
    expect(splitHostPort('[::1]:5000')).toEqual({ hostname: '::1', port: 5000 });
    expect(splitHostPort('quay.io')).toEqual({ hostname: 'quay.io', port: undefined });
  });
});
