/** Query parameters that make a URL a signed, bearer-like credential (S3, GCS, Azure). */
const SIGNED_QUERY =
  /[?&](?:x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential|signature|sig)=/i;
const URL_RE = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
/** Three base64url segments, the first a JSON object (`{"` → `eyJ`): a JWT, signed or not. */
const JWT_RE = /\beyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;
/** `password X` with only spaces between (the `=`/`:` forms are handled with the other fields). */
const PASSWORD_WORD_RE = /\b(password|passwd|passphrase|pwd)(\s+)([^\s"',;()[\]{}]+)/gi;
/** Words that follow "password" in ordinary prose, so need no hiding. */
const PROSE = new Set(
  'is was were are be been for of the a an and or not no must may does did do has had have to in on with from by rejected required incorrect invalid expired wrong missing mismatch given provided supplied set stdin file flag option'.split(
    ' ',
  ),
);
/** A standalone run of base64 characters long enough to hide a `user:password` pair. */
const BASE64_RE = /(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/]{12,}={0,2}(?![A-Za-z0-9+/=_-])/g;

/**
 * Removes anything that looks like a credential from a string: `Authorization` values
 * (`Basic …`, `Bearer …`), user-info in URLs, token/password query or form fields
 * (`password=X`, `password: X`, `"password":"X"`) and "password X" in prose, bare JWTs, bare
 * base64 `user:password` pairs, and the query string of presigned storage URLs
 * (`X-Amz-Signature`, `X-Amz-Credential`, `X-Goog-Signature`, `Signature=`, `sig=`), which
 * becomes `?<redacted>` (scheme, host and path are kept).
 *
 * Used by every error and log line of the library, so a message built from a URL, a header
 * or a registry's answer never carries a secret. It is a net for secrets of unknown shape:
 * {@link HttpRegistryClient} also removes every secret it holds, in every form it sent.
 *
 * @example
 * ```ts
 * redact('GET https://user:pw@quay.io/v2/?access_token=abc');
 * // 'GET https://***@quay.io/v2/?access_token=***'
 * redact('GET https://bucket.s3.amazonaws.com/blob?X-Amz-Signature=abc');
 * // 'GET https://bucket.s3.amazonaws.com/blob?<redacted>'
 * redact('invalid password hunter2'); // 'invalid password ***'
 * ```
 */
export function redact(text: string): string {
  return String(text)
    .replace(URL_RE, stripSignedQuery)
    .replace(/\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 ***')
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@')
    .replace(
      /\b(access_token|refresh_token|id_token|token|password|passwd|secret|identitytoken|client_secret)(["']?\s*[=:]\s*["']?)[^&\s"',}]+/gi,
      '$1$2***',
    )
    .replace(JWT_RE, '***')
    .replace(PASSWORD_WORD_RE, (match, word: string, space: string, value: string) =>
      value === '***' || PROSE.has(value.toLowerCase()) ? match : `${word}${space}***`,
    )
    .replace(BASE64_RE, (match) => (isBase64UserPass(match) ? '***' : match));
}

function stripSignedQuery(url: string): string {
  const query = url.indexOf('?');
  if (query === -1 || !SIGNED_QUERY.test(url.slice(query))) return url;
  return `${url.slice(0, query)}?<redacted>`;
}

function isBase64UserPass(candidate: string): boolean {
  if (candidate.length % 4 !== 0) return false;
  const decoded = Buffer.from(candidate, 'base64');
  if (decoded.toString('base64') !== candidate) return false;
  return looksLikeUserPass(decoded.toString('utf8'));
}

/** Printable text (no control characters, no U+FFFD from bad UTF-8), a non-empty user without spaces, a colon, a password. */
function looksLikeUserPass(text: string): boolean {
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1 || /\s/.test(text.slice(0, colon))) return false;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f || code === 0xfffd) return false;
  }
  return true;
}
