import { type ErrorOptions, ManifestListMergerError } from './base-error.js';
import { redact } from './redact.js';

/** Where a {@link RegistryError} happened: the request and the registry's answer. */
export interface RegistryErrorDetails extends ErrorOptions {
  /** HTTP method of the failed request, e.g. `GET`. */
  method?: string;
  /** URL of the failed request, without credentials. */
  url?: string;
  /** HTTP status of the registry's answer, when there was one. */
  status?: number;
  /** The `code`s of the registry's `errors[]` body, e.g. `['MANIFEST_UNKNOWN']`. */
  registryCodes?: string[];
}

/**
 * The base of every failure talking to a registry over HTTP: a bad status, a network error,
 * a timeout. Carries the method, the URL (never with credentials), the status and the codes
 * of the registry's `errors[]` body.
 *
 * @example
 * ```ts
 * try {
 *   await client.getManifest('quay.io/ns/app:1.0');
 * } catch (error) {
 *   if (error instanceof RegistryError) console.error(error.status, error.registryCodes);
 * }
 * ```
 */
export class RegistryError extends ManifestListMergerError {
  /** HTTP method of the failed request. */
  readonly method: string | undefined;
  /** URL of the failed request, without credentials. */
  readonly url: string | undefined;
  /** HTTP status of the registry's answer, if any. */
  readonly status: number | undefined;
  /** The `code`s of the registry's `errors[]` body (empty when it sent none). */
  readonly registryCodes: string[];

  constructor(message: string, details: RegistryErrorDetails = {}, code = 'REGISTRY_ERROR') {
    super(message, code, details.cause === undefined ? {} : { cause: details.cause });
    this.method = details.method;
    this.url = details.url === undefined ? undefined : redact(stripUserInfo(details.url));
    this.status = details.status;
    this.registryCodes = details.registryCodes ?? [];
  }
}

function stripUserInfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}
