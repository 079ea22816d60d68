// Durations on the command line (src/cli/parse-args.ts).
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../src/cli/parse-args.js';

describe('parseDuration', () => {
  it.each([
    ['30', 30_000],
    ['30s', 30_000],
    ['500ms', 500],
    ['2m', 120_000],
    ['1.5s', 1500],
  ])('%s -> %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
  it.each(['', 'soon', '-1', '0', '5d'])('refuses %o', (text) => {
    expect(() => parseDuration(text)).toThrow();
  });
});
