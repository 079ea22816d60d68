import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../../src/errors/invalid-option-error.js';
import { MAX_TIMER_MS, type NumberRange, numberOption } from '../../../src/util/options.js';

const timer: NumberRange = { min: 1, max: MAX_TIMER_MS };

describe('numberOption', () => {
  it.each([
    ['undefined takes the default', undefined, timer, 30],
    ['a value in range', 5, timer, 5],
    ['the bounds', MAX_TIMER_MS, timer, MAX_TIMER_MS],
    ['an accepted value outside the range', 0, { ...timer, also: [0] }, 0],
    ['Infinity when accepted', Number.POSITIVE_INFINITY, { ...timer, also: [Infinity] }, Infinity],
    ['no max: anything from min up', 1e9, { min: 0 }, 1e9],
  ])('%s', (_, value, range, expected) => {
    expect(numberOption('opt', value, 30, range)).toBe(expected);
  });

  it.each([
    [Number.NaN, timer, "Option 'opt' must be a number from 1 to 2147483647; got NaN"],
    [0, timer, "Option 'opt' must be a number from 1 to 2147483647; got 0"],
    [2 ** 31, timer, "Option 'opt' must be a number from 1 to 2147483647; got 2147483648"],
    [
      1.5,
      { min: 1, max: 8, integer: true },
      "Option 'opt' must be a whole number from 1 to 8; got 1.5",
    ],
    [-1, { min: 0 }, "Option 'opt' must be a number at least 0; got -1"],
    [-1, { ...timer, also: [0, Infinity] }, 'from 1 to 2147483647 (or 0 or Infinity); got -1'],
    [Number.POSITIVE_INFINITY, timer, 'got Infinity'],
    ['10', timer, 'got "10"'],
    [{}, timer, 'got object'],
  ])('refuses %o, naming the option and the range', (value, range, message) => {
    let error: unknown;
    try {
      numberOption('opt', value, 30, range);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as InvalidOptionError).option).toBe('opt');
    expect((error as Error).message).toContain(message);
  });

  it('quotes at most 40 characters of a string it refuses', () => {
    const secretish = `s3cr3t-${'x'.repeat(100)}`;
    expect(() => numberOption('opt', secretish, 1, timer)).toThrow(
      `got ${JSON.stringify(secretish.slice(0, 40))}`,
    );
  });
});
