import type { RegistryCredentials } from './credentials/types.js';

const MASK = '***';

/**
 * The secrets one client holds (passwords, identity tokens, bearer tokens it was granted,
 * refresh tokens), each in every form it may have been sent or echoed in: raw,
 * `user:password`, its base64 (the Basic value), URL- and form-encoded. {@link scrub} takes
 * them all out of a text; {@link scrubError} out of an error, its fields and its causes.
 *
 * A registry that echoes a secret back (in an error body, a header, a redirect) then cannot
 * put it into a message, `toJSON()`, `util.inspect()` or a log line.
 *
 * @example
 * ```ts
 * const secrets = new SecretSet();
 * secrets.addCredentials({ username: 'u', password: 'hunter2' });
 * secrets.scrub('denied: hunter2'); // 'denied: ***'
 * ```
 */
export class SecretSet {
  readonly #forms = new Set<string>();
  #sorted: string[] | undefined;

  /** Adds one secret (ignored when empty) in its raw, URL-encoded and form-encoded forms. */
  add(secret: string | undefined): void {
    if (typeof secret !== 'string' || secret.length === 0) return;
    const forms = [
      secret,
      encodeURIComponent(secret),
      new URLSearchParams({ x: secret }).toString().slice(2),
      Buffer.from(secret, 'utf8').toString('base64'),
    ];
    for (const form of forms) {
      if (form.length > 0 && !this.#forms.has(form)) {
        this.#forms.add(form);
        this.#sorted = undefined;
      }
    }
  }

  /** Adds the secrets of a credential: the password and `user:password` (and so the Basic value), or the identity token. */
  addCredentials(credentials: RegistryCredentials | undefined): void {
    if (!credentials) return;
    if ('identityToken' in credentials) {
      this.add(credentials.identityToken);
      return;
    }
    this.add(credentials.password);
    this.add(`${credentials.username}:${credentials.password}`);
  }

  /** `text` with every known secret replaced by `***`, longest first. */
  scrub(text: string): string {
    if (this.#forms.size === 0 || typeof text !== 'string') return text;
    this.#sorted ??= [...this.#forms].sort((a, b) => b.length - a.length);
    let out = text;
    for (const form of this.#sorted) {
      if (out.includes(form)) out = out.split(form).join(MASK);
    }
    return out;
  }

  /**
   * Scrubs an error in place (its message, stack, string fields and string arrays, and those
   * of its `cause` chain) and returns it. Idempotent, so an error shared by several callers
   * (one token request awaited by many) may be scrubbed by each.
   */
  scrubError<T>(error: T): T {
    if (this.#forms.size === 0) return error;
    const seen = new Set<unknown>();
    let current: unknown = error;
    while (current instanceof Error && !seen.has(current)) {
      seen.add(current);
      this.#scrubFields(current);
      current = (current as { cause?: unknown }).cause;
    }
    return error;
  }

  #scrubFields(error: Error): void {
    const target = error as unknown as Record<string, unknown>;
    for (const key of new Set(['message', 'stack', 'cause', ...Object.keys(error)])) {
      const value = target[key];
      let next: unknown = value;
      if (typeof value === 'string') next = this.scrub(value);
      else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
        next = value.map((v: string) => this.scrub(v));
      }
      if (next === value || (Array.isArray(next) && sameStrings(next, value as string[]))) continue;
      try {
        Object.defineProperty(error, key, {
          value: next,
          writable: true,
          configurable: true,
          enumerable: Object.getOwnPropertyDescriptor(error, key)?.enumerable ?? false,
        });
      } catch {
        // a frozen foreign error: left as is (our own errors are never frozen)
      }
    }
  }
}

function sameStrings(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
