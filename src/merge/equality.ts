import type { ReadonlyDeep } from 'type-fest';
import type { ManifestList } from '../manifest/types.js';

/**
 * True when two lists hold the same entries in the same order and the same top-level fields:
 * deep equality of their JSON values, where the order of object keys does not matter, array
 * order does, and a property set to `undefined` counts as absent (as in JSON).
 *
 * Use it to detect a no-op merge: `listsEqual(merged, dest)` means pushing would change
 * nothing but, perhaps, the bytes.
 *
 * @example
 * ```ts
 * listsEqual(
 *   { schemaVersion: 2, mediaType: OCI_IMAGE_INDEX, manifests: [] },
 *   { manifests: [], mediaType: OCI_IMAGE_INDEX, schemaVersion: 2 },
 * ); // true
 * ```
 */
export function listsEqual(a: ReadonlyDeep<ManifestList>, b: ReadonlyDeep<ManifestList>): boolean {
  return jsonEqual(a, b);
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((value, index) => jsonEqual(value, b[index]));
  }
  const left = definedEntries(a as Record<string, unknown>);
  const right = new Map(definedEntries(b as Record<string, unknown>));
  if (left.length !== right.size) return false;
  return left.every(([key, value]) => right.has(key) && jsonEqual(value, right.get(key)));
}

function definedEntries(value: Record<string, unknown>): [string, unknown][] {
  return Object.entries(value).filter(([, v]) => v !== undefined);
}
