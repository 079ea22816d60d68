import type { ReadonlyDeep } from 'type-fest';

/** A deep, mutable copy of a JSON-like value: the copy shares no object with the original. */
export function deepCopy<T>(value: ReadonlyDeep<T> | T): T {
  return structuredClone(value) as T;
}
