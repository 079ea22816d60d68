import { type CliCode, ExitCode, exitCodeFor } from './exit-codes.js';
import { type ErrorCode, errorCode } from './library.js';

/**
 * What to do about an error, by its `code`: every code the library and the CLI produce (a
 * code without a hint does not compile).
 */
const HINTS: Record<ErrorCode | CliCode, string> = {
  USAGE: "see 'manifest-list-merger --help'",
  INVALID_REFERENCE: 'write it as [host[:port]/]repository[:tag]',
  INVALID_OPTION: "see 'manifest-list-merger --help'",
  NOT_FOUND: 'check the reference, and that these credentials may read it',
  DESTINATION_NOT_FOUND:
    "'merge' needs an existing destination: pass --create to create it with the source's entries, or create it with 'select --arch ARCH --push'",
  AUTHENTICATION_FAILED:
    'check the credentials: docker login, or --src-username/--dest-username with --src-password-stdin/--dest-password-stdin or MLM_SRC_PASSWORD/MLM_DEST_PASSWORD',
  CREDENTIAL_SOURCE_FAILED:
    "fix what it names: run 'docker-credential-NAME get' by hand, check the file it names, or skip it with --no-docker-config (Docker's config) or --no-containers-auth (podman's auth.json)",
  CONFLICT:
    'other writers kept changing the destination tag; run the command again (merges are idempotent)',
  PRECONDITION_FAILED: 'another writer changed the destination tag; run the command again',
  DESTINATION_UNREADABLE:
    'use credentials that may pull the destination, or pass --new-destination if the tag is new',
  MISSING_CHILDREN:
    'drop --no-copy-children (copyChildren: false in the library) to copy them, or push them to the destination repository first',
  INVALID_MANIFEST_LIST:
    'each reference must name a manifest list, an image index or a single image (Docker v2 schema 2 or OCI)',
  DUPLICATE_PLATFORM:
    'pass --collapse-source-duplicates to take the first entry of each platform (the one a runtime picks), or rebuild the source list',
  NOTHING_SELECTED:
    'check --arch against the platforms the source has (or the --src reference); --allow-empty accepts a select that takes nothing',
  UNKNOWN_PLATFORM:
    'pass --platform OS/ARCH[/VARIANT] (e.g. linux/arm64) for a source whose config names none, or push a list instead',
  TIMEOUT: 'the registry did not answer in time; check the network or raise --timeout',
  ABORTED: 'interrupted; run the command again to finish',
  NETWORK_ERROR:
    'check that the registry is reachable (host, port, proxy, TLS certificate); --insecure HOST for plain HTTP',
  REGISTRY_ERROR:
    'the registry refused the request; run again with --verbose to see the requests and its answers',
  DIGEST_MISMATCH:
    'the registry (or a proxy) returned other bytes than it named; try again, bypassing any proxy',
  INVALID_DIGEST:
    'only sha256 and sha512 digests can be checked; check the digest, or the registry that sent it',
  MANIFEST_TOO_LARGE:
    'the manifest is larger than registries accept; check that the reference names a manifest list',
  INCOMPATIBLE_MEDIA_TYPE:
    'the list needs an OCI image index for these fields; build both sides in one format',
  UNSUPPORTED_OPERATION:
    'the registry client cannot copy the missing children; push them to the destination repository first',
  CLIENTS_NOT_SET: 'give a user name and a password for each side, or neither',
  INVALID_CHILD_MANIFEST:
    'a manifest the list names is not a valid image manifest or index in the source repository; rebuild and push it there',
  NESTING_TOO_DEEP:
    'the list names indexes nested deeper than copies follow; flatten them, or push the children to the destination first',
  REFERRER_COPY_FAILED:
    'a signature, attestation or SBOM of a copied image is incomplete in the source; push what it names there, delete the referrer, or pass --no-referrers',
  OUTPUT_FAILED:
    'the registry side is done; run the same command with --dry-run --output FILE to get the bytes again',
};

/** The hint for an error without a known code: a Node.js system error, or a bug. */
function fallbackHint(error: unknown): string {
  const code = errorCode(error);
  if (code !== undefined && /^E[A-Z]+$/.test(code)) {
    return `a system error (${code}): check the paths, permissions and free space it names`;
  }
  return 'run again with --verbose for the stack; if it persists, report it with that output';
}

/** The hint for `code`, if it is one of the library's or the CLI's. */
function hintFor(code: string): string | undefined {
  return Object.hasOwn(HINTS, code) ? HINTS[code as keyof typeof HINTS] : undefined;
}

/** The hint for a `REGISTRY_ERROR`, from the HTTP status and method when there is one. */
function registryHint(error: unknown): string {
  const { status, method } = error as { status?: unknown; method?: unknown };
  const writing = typeof method === 'string' && /^(PUT|POST|PATCH|DELETE)$/i.test(method);
  if (typeof status !== 'number') return HINTS.REGISTRY_ERROR;
  if (status === 405 || (status === 404 && writing)) {
    return writing
      ? 'the registry refused the request — check that it accepts pushes to this repository (not a read-only mirror or pull-through cache)'
      : 'the registry refused the request — check the registry host and that it serves the registry API';
  }
  if (status === 403) {
    return `the registry denied the request — check that these credentials may ${writing ? 'push to' : 'read'} this repository`;
  }
  if (status === 429) return 'the registry is rate-limiting these requests — wait and run again';
  if (status >= 500) {
    return 'the registry failed, even after retries — try again later, or check its status and logs';
  }
  if (status === 400) {
    return 'the registry refused the list or the tag — see its error codes; run again with --verbose for the request log';
  }
  return HINTS.REGISTRY_ERROR;
}

/** The message of an error on one line. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * What a registry said, when the message does not already say it: `HTTP 405`, and the codes of
 * its `errors[]` body.
 */
function registryDetails(error: unknown, message: string): string {
  const { status, registryCodes } = (error ?? {}) as {
    status?: unknown;
    registryCodes?: unknown;
  };
  const parts: string[] = [];
  if (typeof status === 'number' && !new RegExp(`\\b${status}\\b`).test(message)) {
    parts.push(`HTTP ${status}`);
  }
  if (Array.isArray(registryCodes)) {
    const codes = registryCodes.filter(
      (c): c is string => typeof c === 'string' && c !== '' && !message.includes(c),
    );
    if (codes.length > 0) parts.push(`registry codes: ${codes.join(', ')}`);
  }
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

/** The message of `error` for the CLI's user (library wording adjusted to the commands). */
export function errorMessage(error: unknown): string {
  const code = errorCode(error);
  if (code === 'DESTINATION_NOT_FOUND') {
    const image = (error as { image?: unknown }).image;
    return `destination '${String(image)}' does not exist`;
  }
  if (code === 'MISSING_CHILDREN') {
    // The library's words name its option; the hint names the flag.
    const { image, digests } = error as { image?: unknown; digests?: unknown };
    const list = Array.isArray(digests) ? digests.map(String) : [];
    return `the destination repository of '${String(image)}' lacks ${list.length} manifest(s) the new list names (${list.join(', ')})`;
  }
  const text = oneLine(error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
  return `${text}${registryDetails(error, text)}`;
}

/** Hints for the errors of `push`, where a merge's hint would send the user astray. */
const PUSH_HINTS = {
  CONFLICT:
    "the signed list cannot change: compute it again ('select … --output FILE --json'), sign its digest, and push it with --expect-dest its destinationDigest",
  MISSING_CHILDREN:
    'give --src naming the repository the images were pushed to, or push them to the destination repository first',
} as const;

/** The hint for an error of a push of given bytes, when it differs from a merge's. */
function pushHint(code: string | undefined, error: unknown): string | undefined {
  const e = error as { operation?: unknown; reason?: unknown };
  if (code === 'CONFLICT' && e.operation === 'push') return PUSH_HINTS.CONFLICT;
  if (code === 'MISSING_CHILDREN' && e.reason === 'no-source') return PUSH_HINTS.MISSING_CHILDREN;
  return undefined;
}

/** What to do about `error`: never empty. */
export function errorHint(error: unknown, command?: string): string {
  const code = errorCode(error);
  if (code === 'USAGE' && command !== undefined)
    return `see 'manifest-list-merger ${command} --help'`;
  const forPush = pushHint(code, error);
  if (forPush !== undefined) return forPush;
  if (code === 'REGISTRY_ERROR') return registryHint(error);
  return (code !== undefined ? hintFor(code) : undefined) ?? fallbackHint(error);
}

/**
 * The error line the CLI prints on stderr: `manifest-list-merger: error: WHAT [CODE]; HINT`
 * (`[CODE]` left out for usage errors). One line; the stack only when `verbose`. `prefix`
 * names what failed (e.g. a `bulk` job) before the message.
 */
export function formatError(
  error: unknown,
  verbose: boolean,
  command?: string,
  prefix = '',
): string {
  const code = errorCode(error);
  const tag = code !== undefined && code !== 'USAGE' ? ` [${code}]` : '';
  const message = errorMessage(error).replace(/\.$/, '');
  let text = `manifest-list-merger: error: ${prefix}${message}${tag}; ${errorHint(error, command)}\n`;
  if (verbose && error instanceof Error && error.stack) {
    text += `${error.stack}\n`;
    let cause = (error as { cause?: unknown }).cause;
    while (cause instanceof Error) {
      text += `caused by: ${cause.stack ?? cause.message}\n`;
      cause = (cause as { cause?: unknown }).cause;
    }
  }
  return text;
}

/** The `--json` form of an error: `{ error: { code, message, exitCode } }`. */
export function errorJson(error: unknown): Record<string, unknown> {
  const exitCode = exitCodeFor(error);
  return {
    error: {
      code: errorCode(error) ?? 'ERROR',
      message: errorMessage(error),
      exitCode: exitCode === ExitCode.OK ? ExitCode.FAILED : exitCode,
    },
  };
}
