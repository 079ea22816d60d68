import type { Logger } from '../logger.js';
import { DEFAULT_MAX_MANIFEST_BYTES } from '../manifest/limits.js';
import { MAX_TIMER_MS, numberOption } from '../util/options.js';
import type { DockerConfigFile } from './auth/credentials/docker-config.js';
import type { CredentialProvider } from './auth/credentials/types.js';
import type { RequestEvent } from './request-event.js';
import { type RetryPolicy, resolveRetryPolicy } from './retry/retry-policy.js';

export { DEFAULT_MAX_MANIFEST_BYTES };
/** The largest `maxManifestBytes` accepted: 1 GiB (a manifest is held in memory whole). */
export const MAX_MANIFEST_BYTES_LIMIT = 1024 * 1024 * 1024;
/** Default idle timeout (ms): per attempt, per direction. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Default overall deadline of one call (ms). */
export const DEFAULT_DEADLINE_MS = 300_000;
/** Default `User-Agent`. */
export const DEFAULT_USER_AGENT = 'manifest-list-merger';

/**
 * Options of {@link HttpRegistryClient}. All optional. Numeric options are checked at
 * construction: `NaN`, a string, a negative or an out-of-range value throws
 * `InvalidOptionError` (naming the option), never falls back to the default silently.
 *
 * Credentials are looked up per registry host (and repository), first match wins:
 * `username` + `password`, then `credentials(host)`, then podman's `auth.json`
 * (`containersAuth`), then Docker's config (`dockerConfig`). None → anonymous. The whole
 * order is one table in docs/http-client.md ("Authentication").
 *
 * @example
 * ```ts
 * const client = new HttpRegistryClient({
 *   username: 'robot$ci',
 *   password: process.env.QUAY_TOKEN,
 *   timeout: 10_000,
 *   retry: { retries: 3 },
 *   logger: console,
 * });
 * ```
 */
export interface HttpRegistryClientOptions {
  /**
   * User name for every registry this client talks to (with `password`).
   * @default undefined (anonymous, unless another source has credentials)
   */
  username?: string | undefined;
  /**
   * Password or access token for `username`. Never logged, never in an error.
   * @default undefined
   */
  password?: string | undefined;
  /**
   * Per-registry credentials: called once per registry host (e.g. `quay.io`,
   * `localhost:5000`, `docker.io`) with `{ username, password }`, `{ identityToken }` or
   * `undefined` for anonymous.
   * @default undefined
   * @example
   * ```ts
   * credentials: async (host) => (host === 'quay.io' ? { username: 'u', password: 'p' } : undefined)
   * ```
   */
  credentials?: CredentialProvider | undefined;
  /**
   * podman's, skopeo's and buildah's credentials (containers-auth.json(5)), asked after
   * `credentials` and before `dockerConfig`. `true` reads, in order, until one has
   * credentials for the registry: `$REGISTRY_AUTH_FILE` if set, else
   * `$XDG_RUNTIME_DIR/containers/auth.json` (Linux; `/run/containers/$UID/auth.json` without
   * `XDG_RUNTIME_DIR`); then `${XDG_CONFIG_HOME:-~/.config}/containers/auth.json`. A string is
   * the auth file to read first instead of `$REGISTRY_AUTH_FILE` (as podman's `--authfile`);
   * a file so named must exist. In a file, `credHelpers[host]` runs its helper; else the most
   * specific `auths` key for the repository wins (`quay.io/ns/app`, `quay.io/ns`, `quay.io`;
   * a key written as a URL means its host). Variables are read from `env`.
   * @default false
   * @example
   * ```ts
   * containersAuth: true // or: containersAuth: '/run/secrets/auth.json'
   * ```
   */
  containersAuth?: boolean | string | undefined;
  /**
   * Docker's credentials: `true` reads `$DOCKER_CONFIG/config.json` or
   * `~/.docker/config.json`; a string is a path to such a file; an object is a parsed one.
   * Lookup per host: `credHelpers[host]` → `credsStore` → `auths[host]` (`auth` or
   * `identitytoken`); Docker Hub's key is `https://index.docker.io/v1/`. As in Docker, a
   * helper (`credHelpers[host]` or `credsStore`) with nothing for the host means anonymous:
   * the inline `auths` entry is not used then.
   * @default false
   * @example
   * ```ts
   * dockerConfig: true
   * ```
   */
  dockerConfig?: boolean | string | DockerConfigFile | undefined;
  /**
   * How long a credential helper (`docker-credential-NAME`, from `credHelpers` or
   * `credsStore`) may run, in ms, before it and its children are killed and the lookup fails
   * with a `CredentialSourceError` (`helper-timeout`). From 1 to 2_147_483_647.
   * @default the `MLM_CREDENTIAL_HELPER_TIMEOUT_MS` variable of `env`, else 30_000
   * @example
   * ```ts
   * new HttpRegistryClient({ dockerConfig: true, credentialHelperTimeout: 5_000 });
   * ```
   */
  credentialHelperTimeout?: number | undefined;
  /**
   * Idle timeout in ms, per attempt and per direction: how long a request may go without a
   * byte moving — connecting and waiting for the headers, between chunks of a body read,
   * between chunks of a body sent (a blob upload) and after it until the answer. A steady
   * transfer never hits it, however long it takes; a stalled or dripping-below-it one gives
   * the attempt up (retried, except a streamed upload). From 1 to 2_147_483_647.
   * @default 30_000
   */
  timeout?: number | undefined;
  /**
   * Overall deadline in ms of one call (`getManifest`, `putManifest`, `getBlob` until its
   * stream ends, `putBlob` until the registry answers, …), retries, back-off sleeps and token
   * requests included. `0` or `Infinity` turns it off (then a blob transfer is bounded only
   * by the idle `timeout` and the caller's signal); otherwise from 1 to 2_147_483_647. Raise
   * it, or turn it off, to copy layers that take longer than 5 minutes.
   * @default 300_000
   */
  deadline?: number | undefined;
  /**
   * Retry policy for network errors (a body cut off mid-way included), per-attempt timeouts
   * and 408/429/500/502/503/504. `retries` is a whole number from 0 to 100, the delays from 0
   * to 2_147_483_647 ms.
   * @default { retries: 4, baseDelayMs: 250, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 }
   */
  retry?: RetryPolicy | undefined;
  /**
   * Registry hosts (`host` or `host:port`) spoken to over plain HTTP, and whose plain-HTTP
   * token realms may receive credentials. Loopback hosts (`localhost`, `127.0.0.0/8`, `::1`)
   * always use plain HTTP, as Docker does.
   * @default []
   * @example
   * ```ts
   * insecure: ['registry.lan:5000']
   * ```
   */
  insecure?: readonly string[] | undefined;
  /**
   * Extra CA certificates (PEM) trusted for HTTPS, on top of Node's bundled roots.
   * @default undefined
   */
  ca?: string | Buffer | Array<string | Buffer> | undefined;
  /**
   * Where to log (console- or pino-shaped; every method optional). Lines never hold secrets.
   * @default undefined (silent)
   */
  logger?: Logger | undefined;
  /**
   * Called for every HTTP request sent (retries, redirects and token requests included) with
   * `{ method, url, kind: 'registry' | 'token', attempt }`. The URL has no credentials.
   * See also {@link HttpRegistryClient.requestCounts}.
   * @default undefined
   * @example
   * ```ts
   * onRequest: (e) => console.log(e.kind, e.method, e.url, e.attempt)
   * ```
   */
  onRequest?: ((event: RequestEvent) => void) | undefined;
  /**
   * Largest manifest accepted, in bytes (a whole number from 1 to 1 GiB): a download is
   * aborted as soon as it passes it, a push larger than it is refused. Error bodies are
   * read up to 64 KiB whatever this is.
   * @default 4_194_304 (4 MiB)
   */
  maxManifestBytes?: number | undefined;
  /**
   * The `User-Agent` header.
   * @default 'manifest-list-merger'
   */
  userAgent?: string | undefined;
  /**
   * Environment for `$DOCKER_CONFIG`, `$REGISTRY_AUTH_FILE`, `$XDG_RUNTIME_DIR`,
   * `$XDG_CONFIG_HOME` and credential helpers.
   * @default process.env
   */
  env?: NodeJS.ProcessEnv | undefined;
}

/** The options of one client, checked once, with every default filled in. */
export interface ResolvedOptions
  extends Omit<HttpRegistryClientOptions, 'timeout' | 'deadline' | 'retry' | 'insecure'> {
  timeoutMs: number;
  /** `undefined`: no deadline. */
  deadlineMs: number | undefined;
  maxManifestBytes: number;
  retry: Required<RetryPolicy>;
  /** `undefined`: the variable of `env`, else the default. */
  credentialHelperTimeoutMs: number | undefined;
  userAgent: string;
  /** Lower-cased. */
  insecure: ReadonlySet<string>;
}

/**
 * Checks and completes a client's options, once, at construction.
 *
 * @throws {InvalidOptionError} for a numeric option that is not a finite number in its range.
 */
export function resolveOptions(options: HttpRegistryClientOptions): ResolvedOptions {
  const timer = { min: 1, max: MAX_TIMER_MS };
  const timeoutMs = numberOption('timeout', options.timeout, DEFAULT_TIMEOUT_MS, timer);
  const deadline = numberOption('deadline', options.deadline, DEFAULT_DEADLINE_MS, {
    ...timer,
    also: [0, Number.POSITIVE_INFINITY],
  });
  return {
    ...options,
    timeoutMs,
    deadlineMs: deadline === 0 || deadline === Number.POSITIVE_INFINITY ? undefined : deadline,
    maxManifestBytes: numberOption(
      'maxManifestBytes',
      options.maxManifestBytes,
      DEFAULT_MAX_MANIFEST_BYTES,
      { min: 1, max: MAX_MANIFEST_BYTES_LIMIT, integer: true },
    ),
    retry: resolveRetryPolicy(options.retry ?? {}),
    credentialHelperTimeoutMs:
      options.credentialHelperTimeout === undefined
        ? undefined
        : numberOption('credentialHelperTimeout', options.credentialHelperTimeout, 0, timer),
    userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
    insecure: new Set((options.insecure ?? []).map((host) => host.toLowerCase())),
  };
}
