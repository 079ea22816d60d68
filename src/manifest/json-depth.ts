/**
 * The deepest nesting of arrays and objects accepted in a manifest's JSON: a list needs 5
 * (`manifests[].platform["os.features"]`); anything much deeper is hostile, and would
 * overflow the stack of code that walks the document.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Where the nesting of `[` and `{` (outside strings) in the JSON text `text` first goes past
 * `limit`: its offset, or `-1` when it never does. One pass over the text, no parsing, so it
 * is safe to run before `JSON.parse` on any input.
 *
 * @example
 * ```ts
 * jsonDepthExceeded('[[1]]', 1); // 1
 * jsonDepthExceeded('{"a":"[[["}', 1); // -1
 * ```
 */
export function jsonDepthExceeded(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}
