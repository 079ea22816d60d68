// Eligible architectures (src/merge/eligibility.ts), through selectArchitectures: aliases,
// variants, os/arch[/variant] names, whitespace, and raw names in architecture mode.
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../../src/errors/invalid-option-error.js';
import { selectArchitectures } from '../../../src/merge/select-mode.js';
import { digest, digests, image, list, win } from '../../support/fixtures.js';

describe('eligible architectures in platform mode', () => {
  const src = list([
    image('linux/amd64', 'amd64'),
    image('linux/arm64/v8', 'arm64'),
    image('linux/arm/v6', 'arm-v6'),
    image('linux/arm', 'arm-v7'),
    win('10.0.17763.1879', 'win'),
  ]);
  const pick = (names: string[]) => digests(selectArchitectures(src, undefined, names));

  it('normalises aliases', () => {
    expect(pick(['aarch64'])).toEqual([digest('arm64')]);
    expect(pick(['x86_64'])).toEqual([digest('amd64'), digest('win')]);
    expect(pick(['armhf'])).toEqual([digest('arm-v7')]);
    expect(pick(['armel'])).toEqual([digest('arm-v6')]);
  });

  it('selects every variant for a bare architecture', () => {
    expect(pick(['arm'])).toEqual([digest('arm-v6'), digest('arm-v7')]);
  });

  it('accepts os/arch[/variant] and arch/variant', () => {
    expect(pick(['linux/arm/v7'])).toEqual([digest('arm-v7')]);
    expect(pick(['linux/arm'])).toEqual([digest('arm-v7')]);
    expect(pick(['arm/v6'])).toEqual([digest('arm-v6')]);
    expect(pick(['linux/amd64'])).toEqual([digest('amd64')]);
    expect(pick(['windows/amd64'])).toEqual([digest('win')]);
    expect(pick(['linux/arm64'])).toEqual([digest('arm64')]);
  });

  it('compares raw strings in architecture mode', () => {
    const raw = (names: string[]) =>
      digests(selectArchitectures(src, undefined, names, { match: 'architecture' }));
    expect(raw(['aarch64'])).toEqual([]);
    expect(raw(['arm'])).toEqual([digest('arm-v6'), digest('arm-v7')]);
    expect(raw(['linux/arm/v7'])).toEqual([]);
  });

  it.each([
    [[' amd64'], ['amd64', 'win']],
    [['arm64 '], ['arm64']],
    [['\tlinux/arm/v7\n'], ['arm-v7']],
  ])('ignores whitespace around a name: %j', (names, labels) => {
    expect(pick(names)).toEqual(labels.map((l) => digest(l)));
  });

  it('compares names exactly in architecture mode, whitespace included (as pubtools-quay)', () => {
    const raw = (names: string[]) =>
      digests(selectArchitectures(src, undefined, names, { match: 'architecture' }));
    expect(raw([' amd64'])).toEqual([]);
    expect(raw(['amd64'])).toEqual([digest('amd64'), digest('win')]);
  });

  it('refuses a malformed name', () => {
    expect(() => selectArchitectures(src, undefined, [''])).toThrow(InvalidOptionError);
    expect(() => selectArchitectures(src, undefined, ['a/b/c/d'])).toThrow(/a\/b\/c\/d/);
  });
});
