/** One challenge of a `WWW-Authenticate` header, e.g. `Bearer realm="…",service="…"`. */
export interface AuthChallenge {
  /** The scheme, lower-cased: `bearer`, `basic`, … */
  scheme: string;
  /** The auth-params, keys lower-cased, quoted values unescaped. */
  params: Record<string, string>;
  /** A token68 value, when the challenge carries one instead of params. */
  token68?: string;
}

const TOKEN_CHARS = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/**
 * Parses a `WWW-Authenticate` header value (RFC 7235): several challenges in one header,
 * params with token or quoted-string values (commas and `\"` escapes inside quotes), a
 * token68. Malformed parts are skipped, never thrown on.
 *
 * @example
 * ```ts
 * parseWwwAuthenticate('Basic realm="x", Bearer realm="https://auth.example/token",scope="repository:a:pull,push"');
 * // [ { scheme: 'basic', params: { realm: 'x' } },
 * //   { scheme: 'bearer', params: { realm: 'https://auth.example/token', scope: 'repository:a:pull,push' } } ]
 * ```
 */
export function parseWwwAuthenticate(header: string | string[] | undefined): AuthChallenge[] {
  if (header === undefined) return [];
  if (Array.isArray(header)) return header.flatMap((h) => parseWwwAuthenticate(h));
  const parser = new Parser(header);
  return parser.parse();
}

/**
 * The challenge to answer: the first of `schemes` (lower-case, in order of preference) that
 * the registry offered.
 *
 * @example
 * ```ts
 * findChallenge(parseWwwAuthenticate('Basic realm="r", Bearer realm="t"'), ['bearer', 'basic']);
 * // the Bearer one
 * ```
 */
export function findChallenge(
  challenges: AuthChallenge[],
  schemes: readonly string[],
): AuthChallenge | undefined {
  for (const scheme of schemes) {
    const found = challenges.find((c) => c.scheme === scheme);
    if (found) return found;
  }
  return undefined;
}

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parse(): AuthChallenge[] {
    const out: AuthChallenge[] = [];
    let current: AuthChallenge | undefined;
    while (true) {
      this.skip(/[\s,]/);
      if (this.pos >= this.text.length) break;
      const start = this.pos;
      const name = this.readToken();
      if (name.length === 0) {
        this.pos = start + 1; // skip a stray character
        continue;
      }
      const afterName = this.pos;
      this.skip(/[ \t]/);
      if (this.peek() === '=' && current !== undefined && !this.isToken68End(afterName)) {
        this.pos += 1;
        this.skip(/[ \t]/);
        current.params[name.toLowerCase()] = this.readValue();
        continue;
      }
      // A new challenge: `scheme [token68 | params]`.
      this.pos = afterName;
      current = { scheme: name.toLowerCase(), params: {} };
      out.push(current);
      this.skip(/[ \t]/);
      const token68 = this.tryToken68();
      if (token68 !== undefined) current.token68 = token68;
    }
    return out;
  }

  /** `name=` followed by `=`, `,` or end means a token68 like `abc==`, not a param. */
  private isToken68End(afterName: number): boolean {
    let i = afterName;
    while (this.text[i] === '=') i += 1;
    while (this.text[i] === ' ' || this.text[i] === '\t') i += 1;
    return i > afterName + 1 && (i >= this.text.length || this.text[i] === ',');
  }

  private tryToken68(): string | undefined {
    const match = /^[A-Za-z0-9\-._~+/]+=*(?=\s*(,|$))/.exec(this.text.slice(this.pos));
    if (!match) return undefined;
    // `key=value` params start with a token followed by `=` and more: not a token68.
    const after = this.text.slice(this.pos + match[0].length);
    if (match[0].endsWith('=') && after.trim().length > 0 && !after.trim().startsWith(',')) {
      return undefined;
    }
    this.pos += match[0].length;
    return match[0];
  }

  private readValue(): string {
    if (this.peek() === '"') {
      this.pos += 1;
      let value = '';
      while (this.pos < this.text.length) {
        const ch = this.text[this.pos] as string;
        if (ch === '\\' && this.pos + 1 < this.text.length) {
          value += this.text[this.pos + 1];
          this.pos += 2;
          continue;
        }
        this.pos += 1;
        if (ch === '"') return value;
        value += ch;
      }
      return value; // unterminated: take what there is
    }
    let value = '';
    while (this.pos < this.text.length && !/[\s,]/.test(this.text[this.pos] as string)) {
      value += this.text[this.pos];
      this.pos += 1;
    }
    return value;
  }

  private readToken(): string {
    let out = '';
    while (this.pos < this.text.length && TOKEN_CHARS.test(this.text[this.pos] as string)) {
      out += this.text[this.pos];
      this.pos += 1;
    }
    return out;
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private skip(re: RegExp): void {
    while (this.pos < this.text.length && re.test(this.text[this.pos] as string)) this.pos += 1;
  }
}
