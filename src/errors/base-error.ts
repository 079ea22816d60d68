import type { ErrorCode } from './codes.js';
import { redact } from './redact.js';

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/**
 * Marks the prototype of every error of the library, so that {@link isManifestListMergerError}
 * recognises one from another bundle or realm (a registered symbol is the same everywhere).
 */
export const ERROR_BRAND = Symbol.for('manifest-list-merger.error');

/**
 * What every error's details hold besides its domain values: the error that led to it.
 * (Named so as not to shadow TypeScript's global `ErrorOptions`.)
 */
export interface MergerErrorOptions {
  /** The error that led to this one. Only sanitized values are stored (secrets scrubbed, axios errors reduced to name, message and code). */
  cause?: unknown;
}

/**
 * The base of every error this library throws. Catch it to catch them all.
 *
 * Guarantees: `message`, `toJSON()` and `util.inspect()` never contain a credential; the
 * `cause` chain is kept (sanitized: a foreign error is reduced to its name, message and code).
 *
 * Every subclass takes one details object (its domain values and `cause`) and composes its
 * own message from it; `name` is a literal per class (it survives minification) and `code`
 * one of the {@link ErrorCode} literals. Recognise one across bundles and realms with
 * {@link isManifestListMergerError} or {@link hasErrorCode}.
 *
 * @example
 * ```ts
 * try {
 *   await merger.mergeManifestLists();
 * } catch (error) {
 *   if (error instanceof ManifestListMergerError) console.error(error.code, error.message);
 * }
 * ```
 */
export abstract class ManifestListMergerError extends Error {
  /** The class's name, e.g. `ConflictError`: a literal, not read off the constructor. */
  abstract override readonly name: string;
  /** A stable machine-readable code, e.g. `INVALID_MANIFEST_LIST`. */
  abstract readonly code: ErrorCode;

  static {
    Object.defineProperty(ManifestListMergerError.prototype, ERROR_BRAND, { value: true });
  }

  /** For subclasses: `message` is the one they composed from their details. */
  protected constructor(message: string, options: MergerErrorOptions = {}) {
    super(redact(message));
    if (options.cause !== undefined) {
      Object.defineProperty(this, 'cause', {
        value: sanitizeCause(options.cause),
        enumerable: false,
        writable: true,
        configurable: true,
      });
    }
  }

  /** A plain, credential-free object for logs and JSON output. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {
      name: this.name,
      code: this.code,
      message: this.message,
    };
    for (const [key, value] of Object.entries(this)) {
      if (key === 'code' || key === 'name' || key === 'message') continue;
      out[key] = typeof value === 'string' ? redact(value) : value;
    }
    if (this.cause !== undefined) {
      const cause = this.cause as { toJSON?: () => unknown };
      out['cause'] = typeof cause?.toJSON === 'function' ? cause.toJSON() : describe(this.cause);
    }
    return out;
  }

  /** `util.inspect` shows the same credential-free view as `toJSON`, plus the stack. */
  [inspectSymbol](): string {
    const stack = redact(this.stack ?? `${this.name}: ${this.message}`);
    const fields = this.toJSON();
    delete fields['name'];
    delete fields['message'];
    return `${stack}\n${JSON.stringify(fields, null, 2)}`;
  }
}

/**
 * Reduces a foreign error (for example an axios error, which carries request headers) to a
 * small Error with only its name, message and code, redacted. Our own errors are kept as they
 * are: they are already safe.
 */
export function sanitizeCause(cause: unknown): unknown {
  if (cause instanceof ManifestListMergerError) return cause;
  if (cause instanceof Error) {
    const safe = new Error(redact(cause.message));
    safe.name = cause.name;
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') (safe as Error & { code?: string }).code = code;
    safe.stack = redact(cause.stack ?? `${cause.name}: ${cause.message}`);
    return safe;
  }
  if (typeof cause === 'string') return redact(cause);
  return describe(cause);
}

function describe(value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: redact(value.message), ...(code ? { code } : {}) };
  }
  if (value === null || typeof value !== 'object') return value;
  try {
    return redact(JSON.stringify(value) ?? Object.prototype.toString.call(value));
  } catch {
    return Object.prototype.toString.call(value);
  }
}
