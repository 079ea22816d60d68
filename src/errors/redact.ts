/**
 * Removes anything that looks like a credential from a string: `Authorization` values
 * (`Basic …`, `Bearer …`), user-info in URLs, and token/password query or form fields.
 *
 * Used by every error and log line of the library, so a message built from a URL, a header
 * or a registry's answer never carries a secret.
 *
 * @example
 * ```ts
 * redact('GET https://user:pw@quay.io/v2/?access_token=abc');
 * // 'GET https://***@quay.io/v2/?access_token=***'
 * ```
 */
export function redact(text: string): string {
  return text
    .replace(/\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 ***')
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@')
    .replace(
      /\b(access_token|refresh_token|token|password|passwd|secret|identitytoken|client_secret)(["']?\s*[=:]\s*["']?)[^&\s"',}]+/gi,
      '$1$2***',
    );
}
