import { ManifestListMergerError, type MergerErrorOptions } from './base-error.js';
import type { RegistryErrorCode } from './codes.js';
import { redact } from './redact.js';

/** Where a {@link RegistryError} happened: the call, the request and the registry's answer. */
export interface RegistryErrorDetails extends MergerErrorOptions {
  /** The image reference the call was about, e.g. `quay.io/ns/app:1.0`. */
  reference?: string | undefined;
  /** HTTP method of the failed request, e.g. `GET`. */
  method?: string | undefined;
  /** URL of the failed request (credentials in it are removed). */
  url?: string | undefined;
  /** The URL that answered, when redirects led away from `url`. */
  redirectedTo?: string | undefined;
  /** HTTP status of the registry's answer, when there was one. */
  status?: number | undefined;
  /** The `code`s of the registry's `errors[]` body, e.g. `['MANIFEST_UNKNOWN']`. */
  registryCodes?: string[] | undefined;
  /** The text of the registry's `errors[]` body (codes and messages), when it sent one. */
  registryMessage?: string | undefined;
  /**
   * What went wrong, when the status does not say it, e.g. `answered 202 without an upload
   * location`. Quoted after the request in the message. (The subclasses whose fields say it,
   * such as `NotFoundError` or `NetworkError`, take none.)
   */
  problem?: string | undefined;
}

/**
 * The base of every failure talking to a registry: a bad status, a refused redirect, a network
 * error, a timeout. Carries the reference, the method, the URL (never with credentials), the
 * status and the codes and text of the registry's `errors[]` body, and composes its message
 * from them: `GET https://quay.io/v2/ns/app/manifests/1.0 answered HTTP 500: UNKNOWN …`.
 *
 * @example
 * ```ts
 * try {
 *   await client.getManifest('quay.io/ns/app:1.0');
 * } catch (error) {
 *   if (error instanceof RegistryError) console.error(error.status, error.registryCodes);
 * }
 * // In a RegistryClient of your own:
 * throw new RegistryError({ method: 'GET', url, status: 500, registryCodes: ['UNKNOWN'] });
 * ```
 */
export class RegistryError extends ManifestListMergerError {
  /** `RegistryError`, or the subclass's own literal. */
  override readonly name: string = 'RegistryError';
  /** `REGISTRY_ERROR`, or the subclass's own code. */
  override readonly code: RegistryErrorCode = 'REGISTRY_ERROR';
  /** The image reference the call was about, if known. */
  readonly reference: string | undefined;
  /** HTTP method of the failed request. */
  readonly method: string | undefined;
  /** URL of the failed request, without credentials. */
  readonly url: string | undefined;
  /** The URL that answered, when redirects led away from `url`. */
  readonly redirectedTo: string | undefined;
  /** HTTP status of the registry's answer, if any. */
  readonly status: number | undefined;
  /** The `code`s of the registry's `errors[]` body (empty when it sent none). */
  readonly registryCodes: string[];
  /** The text of the registry's `errors[]` body, if any. */
  readonly registryMessage: string | undefined;
  /** What went wrong, when the status does not say it. */
  readonly problem: string | undefined;

  constructor(details: RegistryErrorDetails = {}) {
    const clean = cleaned(details);
    // Each subclass composes its message from the same details (see `describe`).
    super((new.target as typeof RegistryError).describe(clean), details);
    this.reference = clean.reference;
    this.method = clean.method;
    this.url = clean.url;
    this.redirectedTo = clean.redirectedTo;
    this.status = clean.status;
    this.registryCodes = clean.registryCodes ?? [];
    this.registryMessage = clean.registryMessage;
    this.problem = clean.problem;
  }

  /** The message of an error with these details; a subclass says it its own way. */
  protected static describe(details: RegistryErrorDetails): string {
    const request = requestOf(details);
    if (details.problem !== undefined) {
      return request ? `${request}: ${details.problem}` : capitalize(details.problem);
    }
    return answerOf(details) ?? `${request ?? details.reference ?? 'A registry request'} failed`;
  }
}

/** `GET https://…`, or whichever of the two is known. */
export function requestOf(details: RegistryErrorDetails): string | undefined {
  const { method, url } = details;
  if (method !== undefined && url !== undefined) return `${method} ${url}`;
  return url ?? undefined;
}

/**
 * What the registry answered: `GET https://… (redirected to …) answered HTTP 404:
 * MANIFEST_UNKNOWN …`, or `HTTP 404: …` when the request is not known; `undefined` without a
 * status.
 */
export function answerOf(details: RegistryErrorDetails): string | undefined {
  if (details.status === undefined) return undefined;
  const request = requestOf(details);
  const redirected =
    details.redirectedTo !== undefined && details.redirectedTo !== details.url
      ? ` (redirected to ${details.redirectedTo})`
      : '';
  const said = details.registryMessage ? `: ${details.registryMessage}` : '';
  const head = request ? `${request}${redirected} answered ` : '';
  return `${head}HTTP ${details.status}${said}`;
}

/** `text` with its first letter in upper case. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The details with credentials taken out of their URLs and texts. */
function cleaned<D extends RegistryErrorDetails>(details: D): D {
  const url = (value: string | undefined) =>
    value === undefined ? undefined : redact(stripUserInfo(value));
  const text = (value: string | undefined) => (value === undefined ? undefined : redact(value));
  return {
    ...details,
    url: url(details.url),
    redirectedTo: url(details.redirectedTo),
    registryMessage: text(details.registryMessage),
    problem: text(details.problem),
  };
}

function stripUserInfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}
