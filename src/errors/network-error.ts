import { errorCode } from './guards.js';
import { redact } from './redact.js';
import { RegistryError, type RegistryErrorDetails, requestOf } from './registry-error.js';

/** Details of a {@link NetworkError}. */
export interface NetworkErrorDetails extends Omit<RegistryErrorDetails, 'problem'> {
  /**
   * When it failed: sending the request and waiting for the answer, or reading a streamed
   * 2xx body. @default 'request'
   */
  phase?: 'request' | 'body' | undefined;
  /**
   * What the network said, e.g. `ECONNRESET` or `socket hang up`.
   * @default the `code` of `cause`, else its message
   */
  detail?: string | undefined;
}

/**
 * A registry could not be reached, or the connection failed: refused, reset, a DNS or TLS
 * failure, a body cut off mid-way. Retried by the client before it is thrown. `code` is
 * `NETWORK_ERROR`; `cause` is what the network layer threw, sanitized.
 *
 * @example
 * ```ts
 * try {
 *   await client.getManifest('registry.invalid/ns/app:1.0');
 * } catch (error) {
 *   if (error instanceof NetworkError) console.error(error.detail); // 'ENOTFOUND'
 * }
 * // In a RegistryClient of your own:
 * throw new NetworkError({ method: 'GET', url, cause: error });
 * ```
 */
export class NetworkError extends RegistryError {
  override readonly name = 'NetworkError' as const;
  override readonly code = 'NETWORK_ERROR' as const;
  /** When it failed. */
  readonly phase: 'request' | 'body';
  /** What the network said, e.g. `ECONNRESET`, if known. */
  readonly detail: string | undefined;

  constructor(details: NetworkErrorDetails = {}) {
    super(details);
    this.phase = details.phase ?? 'request';
    this.detail = detailOf(details);
  }

  protected static override describe(details: NetworkErrorDetails): string {
    const subject = requestOf(details) ?? details.reference ?? 'A registry request';
    const detail = detailOf(details);
    const said = detail ? `: ${detail}` : '';
    return details.phase === 'body'
      ? `${subject}: the body stream failed${said}`
      : `${subject} failed${said}`;
  }
}

function detailOf(details: NetworkErrorDetails): string | undefined {
  const { cause } = details;
  const detail =
    details.detail ??
    errorCode(cause) ??
    (cause instanceof Error && cause.message ? cause.message : undefined);
  return detail === undefined ? undefined : redact(detail);
}
