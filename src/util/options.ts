import { InvalidOptionError } from '../errors/invalid-option-error.js';

/**
 * `value` when it is a finite number within `[min, max]` (and an integer when `integer`),
 * `fallback` when it is `undefined`; otherwise an {@link InvalidOptionError} naming `name`.
 * `NaN`, `Infinity` and non-numbers are refused, never silently replaced.
 */
export function numberOption(
  name: string,
  value: unknown,
  fallback: number,
  range: { min: number; max?: number; integer?: boolean },
): number {
  if (value === undefined) return fallback;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= range.min &&
    value <= max &&
    (!range.integer || Number.isInteger(value));
  if (!ok) {
    const kind = range.integer ? 'an integer' : 'a number';
    const bound = range.max === undefined ? `at least ${range.min}` : `from ${range.min} to ${max}`;
    throw new InvalidOptionError(`${name} must be ${kind} ${bound}, not ${String(value)}`, name);
  }
  return value;
}
