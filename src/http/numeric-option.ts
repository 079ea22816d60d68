import { InvalidOptionError } from '../errors/invalid-option-error.js';

/** The longest delay a Node.js timer can wait (about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** The range a numeric option must be in. */
export interface NumericRange {
  /** Smallest value allowed. */
  min: number;
  /** Largest value allowed. */
  max: number;
  /** Whole numbers only. */
  integer?: boolean;
  /** Values outside the range that are accepted as they are (e.g. `0` and `Infinity` for "off"). */
  also?: readonly number[];
}

/**
 * `value`, or `fallback` when it is `undefined`, after checking it is a finite number in
 * `range`: `NaN`, a string, a negative or an out-of-range value is an error, never silently
 * replaced by the default.
 *
 * @throws {InvalidOptionError} naming `option` and the range.
 * @example
 * ```ts
 * numericOption(options.timeout, 'timeout', 30_000, { min: 1, max: MAX_TIMER_MS });
 * ```
 */
export function numericOption(
  value: unknown,
  option: string,
  fallback: number,
  range: NumericRange,
): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && range.also?.includes(value)) return value;
  const valid =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= range.min &&
    value <= range.max &&
    (!range.integer || Number.isInteger(value));
  if (valid) return value;
  const kind = range.integer ? 'a whole number' : 'a number';
  const also = range.also?.length ? ` (or ${range.also.map(String).join(' or ')})` : '';
  throw new InvalidOptionError(
    `Option '${option}' must be ${kind} from ${range.min} to ${range.max}${also}; got ${describe(value)}`,
    option,
  );
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (typeof value === 'number' || typeof value === 'boolean' || value === null)
    return String(value);
  return typeof value;
}
