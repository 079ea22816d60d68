import { InvalidReferenceError } from '../errors/invalid-reference-error.js';

/** The registry host Docker Hub images are named with. */
export const DOCKER_HUB_HOST = 'docker.io';
/** The host Docker Hub's registry API answers on. */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

/** A parsed image reference: `[host[:port]/]path[:tag][@digest]`. */
export interface ImageReference {
  /** The registry host as written (with its port), normalised: `docker.io` for Docker Hub. */
  readonly host: string;
  /** The host the registry API answers on: `registry-1.docker.io` for Docker Hub, else `host`. */
  readonly apiHost: string;
  /** The repository path, e.g. `library/ubuntu` or `ns/app`. */
  readonly repository: string;
  /** The tag, when one was written (`latest` is not filled in). */
  readonly tag: string | undefined;
  /** The digest, when one was written, e.g. `sha256:…`. */
  readonly digest: string | undefined;
  /** What goes after `/manifests/`: the digest, else the tag, else `latest`. */
  readonly identifier: string;
  /** The canonical form: `host/repository[:tag][@digest]`. */
  toString(): string;
}

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6 = '\\[[a-fA-F0-9:.]+\\]';
const HOST_RE = new RegExp(`^(?:${DOMAIN_NAME}|${IPV6})(?::[0-9]+)?$`);
const PATH_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const MAX_NAME_LENGTH = 255;
const LOOPBACK_V4_RE = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/**
 * Parses an image reference by the distribution grammar, `[host[:port]/]path[:tag][@digest]`.
 *
 * The first path component is a registry host only if it contains `.` or `:`, or is
 * `localhost`; otherwise the image is on Docker Hub (`docker.io`, API at
 * `registry-1.docker.io`, and a one-component name gets `library/`). Path components must be
 * lower-case; tags are case-sensitive. A `sha256` digest must have 64 lower-case hex digits.
 *
 * @throws {InvalidReferenceError} quoting the input when it does not follow the grammar.
 * @example
 * ```ts
 * parseImageReference('ubuntu');
 * // { host: 'docker.io', apiHost: 'registry-1.docker.io', repository: 'library/ubuntu',
 * //   tag: undefined, digest: undefined, identifier: 'latest' }
 * parseImageReference('localhost:5000/ns/app:1.0').identifier; // '1.0'
 * String(parseImageReference('quay.io/ns/app@sha256:' + 'a'.repeat(64)));
 * ```
 */
export function parseImageReference(ref: string): ImageReference {
  if (typeof ref !== 'string' || ref.length === 0) {
    throw new InvalidReferenceError({ reference: String(ref), problem: 'empty reference' });
  }
  if (ref !== ref.trim() || /\s/.test(ref)) {
    throw new InvalidReferenceError({ reference: ref, problem: 'contains whitespace' });
  }

  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    validateDigest(ref, digest);
  }

  let host: string | undefined;
  const slash = rest.indexOf('/');
  if (slash !== -1) {
    const first = rest.slice(0, slash);
    if (
      first.includes('.') ||
      first.includes(':') ||
      first === 'localhost' ||
      first.startsWith('[')
    ) {
      if (!HOST_RE.test(first) || !isUrlHost(first)) {
        throw new InvalidReferenceError({
          reference: ref,
          problem: `'${first}' is not a valid registry host`,
        });
      }
      host = first;
      rest = rest.slice(slash + 1);
    }
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon !== -1) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) {
      throw new InvalidReferenceError({
        reference: ref,
        problem: `tag '${tag}' must be 1-128 characters of [A-Za-z0-9_.-], not starting with '.' or '-'`,
      });
    }
  }

  if (rest.length === 0)
    throw new InvalidReferenceError({ reference: ref, problem: 'missing repository name' });
  const components = rest.split('/');
  for (const component of components) {
    if (component.length === 0) {
      throw new InvalidReferenceError({ reference: ref, problem: 'empty path component' });
    }
    if (!PATH_COMPONENT_RE.test(component)) {
      const lower = component.toLowerCase();
      const problem = PATH_COMPONENT_RE.test(lower)
        ? `repository path component '${component}' must be lower-case`
        : `repository path component '${component}' must be lower-case letters and digits separated by '.', '_', '__' or '-'`;
      throw new InvalidReferenceError({ reference: ref, problem });
    }
  }

  let normalizedHost = host ?? DOCKER_HUB_HOST;
  if (normalizedHost === 'index.docker.io' || normalizedHost === DOCKER_HUB_API_HOST) {
    normalizedHost = DOCKER_HUB_HOST;
  }
  let repository = rest;
  if (normalizedHost === DOCKER_HUB_HOST && components.length === 1) {
    repository = `library/${repository}`;
  }
  const nameLength = (host === undefined ? 0 : host.length + 1) + rest.length;
  if (nameLength > MAX_NAME_LENGTH) {
    throw new InvalidReferenceError({
      reference: ref,
      problem: `name longer than ${MAX_NAME_LENGTH} characters`,
    });
  }

  const apiHost = normalizedHost === DOCKER_HUB_HOST ? DOCKER_HUB_API_HOST : normalizedHost;
  return makeReference(normalizedHost, apiHost, repository, tag, digest);
}

/**
 * True when `host` (`name[:port]`) makes a URL: the grammar lets through names no URL parser
 * takes, such as `127.999.999.999`, `1.2.3.4.5`, `99999999999` (numeric hosts read as
 * out-of-range IPv4) or a port past 65535.
 */
function isUrlHost(host: string): boolean {
  try {
    return new URL(`http://${host}/`).host !== '';
  } catch {
    return false;
  }
}

function validateDigest(ref: string, digest: string): void {
  if (!DIGEST_RE.test(digest)) {
    throw new InvalidReferenceError({
      reference: ref,
      problem: `digest '${digest}' must be 'algorithm:hex'`,
    });
  }
  const [algorithm, hex = ''] = digest.split(':');
  if (algorithm === 'sha256' && !/^[a-f0-9]{64}$/.test(hex)) {
    throw new InvalidReferenceError({
      reference: ref,
      problem: 'a sha256 digest has 64 lower-case hex digits',
    });
  }
  if (algorithm === 'sha512' && !/^[a-f0-9]{128}$/.test(hex)) {
    throw new InvalidReferenceError({
      reference: ref,
      problem: 'a sha512 digest has 128 lower-case hex digits',
    });
  }
}

function makeReference(
  host: string,
  apiHost: string,
  repository: string,
  tag: string | undefined,
  digest: string | undefined,
): ImageReference {
  const text = `${host}/${repository}${tag === undefined ? '' : `:${tag}`}${digest === undefined ? '' : `@${digest}`}`;
  return Object.freeze({
    host,
    apiHost,
    repository,
    tag,
    digest,
    identifier: digest ?? tag ?? 'latest',
    toString: () => text,
  });
}

/**
 * Splits `host[:port]` into its host name (brackets removed from IPv6) and port.
 *
 * @example
 * ```ts
 * splitHostPort('[::1]:5000'); // { hostname: '::1', port: 5000 }
 * ```
 */
export function splitHostPort(host: string): { hostname: string; port: number | undefined } {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  if (!match) return { hostname: host, port: undefined };
  const hostname = (match[1] ?? host).replace(/^\[|\]$/g, '');
  return { hostname, port: match[2] === undefined ? undefined : Number(match[2]) };
}

/**
 * True for loopback hosts, spoken to over plain HTTP as Docker does: `localhost`,
 * `127.0.0.0/8` and `::1`, with or without a port. `*.localhost` names are not: resolvers
 * that do not special-case them send them to DNS, so a realm named so could be anywhere.
 *
 * @example
 * ```ts
 * isLoopbackHost('127.0.0.1:5000'); // true
 * isLoopbackHost('quay.io'); // false
 * ```
 */
export function isLoopbackHost(host: string): boolean {
  const { hostname } = splitHostPort(host);
  const name = hostname.toLowerCase();
  return name === 'localhost' || LOOPBACK_V4_RE.test(name) || name === '::1';
}

/**
 * The host of `ref` as one spelling: lower-case (host names are case-insensitive), and
 * `docker.io` for every name of Docker Hub (`index.docker.io`, `registry-1.docker.io`).
 */
function canonicalHost(ref: ImageReference): string {
  const host = ref.host.toLowerCase();
  return host === 'index.docker.io' || host === DOCKER_HUB_API_HOST ? DOCKER_HUB_HOST : host;
}

/**
 * The one key of the repository an image reference names: `host/repository`, whatever the
 * spelling of the host (`LOCALHOST:5000` = `localhost:5000`; `index.docker.io/library/x` =
 * `docker.io/x`).
 *
 * @example
 * ```ts
 * repositoryKey('index.docker.io/library/ubuntu:22.04'); // 'docker.io/library/ubuntu'
 * ```
 */
export function repositoryKey(image: string | ImageReference): string {
  const ref = typeof image === 'string' ? parseImageReference(image) : image;
  return `${canonicalHost(ref)}/${ref.repository}`;
}

/**
 * The one key of the tag an image reference names: `host/repository:tag` (`latest` when no
 * tag is written), with the host spelled as {@link repositoryKey} does. Tags stay
 * case-sensitive.
 *
 * @example
 * ```ts
 * tagKey('LOCALHOST:5000/app:1') === tagKey('localhost:5000/app:1'); // true
 * ```
 */
export function tagKey(image: string | ImageReference): string {
  const ref = typeof image === 'string' ? parseImageReference(image) : image;
  return `${repositoryKey(ref)}:${ref.tag ?? 'latest'}`;
}

/**
 * `host/repository@digest`: the manifest `digest` in the repository of `image`.
 *
 * @example
 * ```ts
 * withDigest('quay.io/ns/app:1.0', digest); // 'quay.io/ns/app@sha256:…'
 * ```
 */
export function withDigest(image: string, digest: string): string {
  const ref = parseImageReference(image);
  return `${ref.host}/${ref.repository}@${digest}`;
}

/**
 * `host/repository:tag`: the tag `tag` in the repository of `image`.
 *
 * @example
 * ```ts
 * withTag('quay.io/ns/app@sha256:…', 'sha256-0123….sig'); // 'quay.io/ns/app:sha256-0123….sig'
 * ```
 */
export function withTag(image: string, tag: string): string {
  const ref = parseImageReference(image);
  return `${ref.host}/${ref.repository}:${tag}`;
}

/** The host the registry API of `image` answers on (`registry-1.docker.io` for Docker Hub). */
export function registryOf(image: string): string {
  return parseImageReference(image).apiHost;
}
