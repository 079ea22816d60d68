import { InvalidOptionError } from '../errors/invalid-option-error.js';

/** The longest delay a Node.js timer can wait (about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** The range a numeric option must be in. */
export interface NumberRange {
  /** Smallest value allowed. */
  min: number;
  /** Largest value allowed. @default Number.MAX_SAFE_INTEGER */
  max?: number;
  /** Whole numbers only. */
  integer?: boolean;
  /** Values outside the range accepted as they are (e.g. `0` and `Infinity` for "off"). */
  also?: readonly number[];
}

/**
 * `value` when it is a finite number within `[min, max]` (and a whole number when
 * `integer`), or one of `also`; `fallback` when it is `undefined`; otherwise an
 * {@link InvalidOptionError} naming `name` and the range. `NaN`, `Infinity` and non-numbers
 * are refused, never silently replaced by the default.
 *
 * @example
 * ```ts
 * numberOption('timeout', options.timeout, 30_000, { min: 1, max: MAX_TIMER_MS });
 * numberOption('deadline', options.deadline, 300_000, { min: 1, max: MAX_TIMER_MS, also: [0, Infinity] });
 * ```
 */
export function numberOption(
  name: string,
  value: unknown,
  fallback: number,
  range: NumberRange,
): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && range.also?.includes(value)) return value;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= range.min &&
    value <= max &&
    (!range.integer || Number.isInteger(value));
  if (ok) return value;
  const kind = range.integer ? 'a whole number' : 'a number';
  const bound = range.max === undefined ? `at least ${range.min}` : `from ${range.min} to ${max}`;
  const also = range.also?.length ? ` (or ${range.also.map(String).join(' or ')})` : '';
  throw new InvalidOptionError({
    option: name,
    problem: `must be ${kind} ${bound}${also}; got ${describe(value)}`,
  });
}

/** A short, safe rendering of a refused value: never a whole (possibly secret) string. */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    return String(value);
  }
  return typeof value;
}
