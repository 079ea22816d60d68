import { describe, expect, it } from 'vitest';
import {
  attestedDigest,
  entryKey,
  formatPlatform,
  isAttestation,
  normalizePlatform,
  platformKey,
} from '../../../src/manifest/platform.js';
import { entryKind } from '../../../src/merge/entries.js';
import { artifact, attestation, digest, image } from '../../support/fixtures.js';

describe('normalizePlatform', () => {
  it.each([
    ['linux', 'x86_64', undefined, 'linux/amd64'],
    ['linux', 'x86-64', undefined, 'linux/amd64'],
    ['linux', 'amd64', 'v1', 'linux/amd64'],
    ['linux', 'amd64', 'v3', 'linux/amd64/v3'],
    ['linux', 'aarch64', undefined, 'linux/arm64'],
    ['linux', 'arm64', 'v8', 'linux/arm64'],
    ['linux', 'arm64', '8', 'linux/arm64'],
    ['linux', 'arm64', 'v9.0', 'linux/arm64/v9'],
    ['linux', 'armhf', undefined, 'linux/arm/v7'],
    ['linux', 'armel', undefined, 'linux/arm/v6'],
    ['linux', 'arm', undefined, 'linux/arm/v7'],
    ['linux', 'arm', '7', 'linux/arm/v7'],
    ['linux', 'arm', '6', 'linux/arm/v6'],
    ['linux', 'arm', 'v5', 'linux/arm/v5'],
    ['linux', 'i386', undefined, 'linux/386'],
    ['macos', 'arm64', undefined, 'darwin/arm64'],
    ['Linux', 'AMD64', undefined, 'linux/amd64'],
    ['linux', 's390x', undefined, 'linux/s390x'],
    ['linux', 'ppc64le', undefined, 'linux/ppc64le'],
  ])('%s/%s variant %s → %s', (os, architecture, variant, key) => {
    const platform = variant === undefined ? { os, architecture } : { os, architecture, variant };
    expect(platformKey(platform)).toBe(key);
  });

  it('returns only the identifying fields', () => {
    expect(normalizePlatform({ os: 'linux', architecture: 'aarch64', features: ['sse4'] })).toEqual(
      {
        os: 'linux',
        architecture: 'arm64',
      },
    );
  });
});

describe('Windows', () => {
  const w = (v?: string) => ({
    os: 'windows',
    architecture: 'amd64',
    ...(v ? { 'os.version': v } : {}),
  });

  it('keys on major.minor.build of os.version', () => {
    expect(platformKey(w('10.0.17763.1879'))).toBe('windows/amd64@10.0.17763');
    expect(platformKey(w('10.0.17763.2000'))).toBe(platformKey(w('10.0.17763.1879')));
    expect(platformKey(w('10.0.20348.169'))).not.toBe(platformKey(w('10.0.17763.1879')));
    expect(platformKey(w())).toBe('windows/amd64');
    expect(platformKey(w())).not.toBe(platformKey({ os: 'linux', architecture: 'amd64' }));
  });

  it('ignores os.version on other systems', () => {
    expect(platformKey({ os: 'linux', architecture: 'amd64', 'os.version': '5.15' })).toBe(
      'linux/amd64',
    );
  });
});

describe('architecture mode', () => {
  it('is the raw architecture string', () => {
    expect(platformKey({ os: 'linux', architecture: 'aarch64' }, 'architecture')).toBe('aarch64');
    expect(platformKey({ os: 'windows', architecture: 'amd64' }, 'architecture')).toBe('amd64');
    expect(platformKey({ os: 'linux', architecture: 'arm', variant: 'v6' }, 'architecture')).toBe(
      'arm',
    );
  });
  it('is undefined without a platform', () => {
    expect(platformKey(undefined)).toBeUndefined();
    expect(platformKey(undefined, 'architecture')).toBeUndefined();
  });
});

describe('entries', () => {
  const img = image('linux/arm/v7', 'img');
  const att = attestation(img.digest, 'att');
  const art = artifact('art');

  it('tells attestations, images and artifacts apart', () => {
    expect([isAttestation(img), isAttestation(att), isAttestation(art)]).toEqual([
      false,
      true,
      false,
    ]);
    expect(attestedDigest(att)).toBe(img.digest);
    expect(attestedDigest(img)).toBeUndefined();
    expect([entryKey(img), entryKey(att), entryKey(art)]).toEqual([
      'linux/arm/v7',
      undefined,
      undefined,
    ]);
    expect([entryKind(img), entryKind(att), entryKind(art)]).toEqual([
      'image',
      'attestation',
      'artifact',
    ]);
  });

  it('formats platforms for people', () => {
    expect(formatPlatform(img)).toBe('linux/arm/v7');
    expect(formatPlatform(image('windows/amd64', 'w', { 'os.version': '10.0.17763.1879' }))).toBe(
      'windows/amd64 10.0.17763.1879',
    );
    expect(formatPlatform(art)).toBe(digest('art'));
  });
});
