import { constants, type Stats } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CredentialSourceError } from '../../../errors/credential-source-error.js';
import { DOCKER_HUB_HOST } from '../../../manifest/reference.js';

/** The largest Docker config file read by default: 1 MiB (`docker login` writes a few KiB). */
export const DEFAULT_MAX_DOCKER_CONFIG_BYTES = 1024 * 1024;

/** The parts of Docker's `config.json` the client reads. */
export interface DockerConfigFile {
  /** Per-registry credential helpers: `{ "quay.io": "secretservice" }`. */
  credHelpers?: Record<string, string>;
  /** The default credential store, e.g. `desktop`, `osxkeychain`, `pass`. */
  credsStore?: string;
  /**
   * Stored credentials per registry, keyed by host (`quay.io`) or by URL
   * (`https://index.docker.io/v1/` for Docker Hub).
   */
  auths?: Record<
    string,
    {
      /** Base64 of `user:password` (split on the first `:`), as `docker login` writes it. */
      auth?: string;
      /** A user name stored in clear (used with `password` when `auth` is absent). */
      username?: string;
      /** A password stored in clear (used with `username` when `auth` is absent). */
      password?: string;
      /** An identity (refresh) token; preferred over `auth`, exchanged at the token endpoint. */
      identitytoken?: string;
    }
  >;
}

/** The key Docker uses for Docker Hub in `config.json`. */
export const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/';

/**
 * Where Docker's config is: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`.
 *
 * @example
 * ```ts
 * defaultDockerConfigPath(); // '/home/me/.docker/config.json'
 * ```
 */
export function defaultDockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env['DOCKER_CONFIG'] || join(homedir(), '.docker');
  return join(dir, 'config.json');
}

/** Options of {@link readDockerConfig}. */
export interface ReadDockerConfigOptions {
  /**
   * The largest file read, in bytes; a larger one is refused unread.
   * @default 1_048_576 (1 MiB)
   */
  maxBytes?: number | undefined;
}

/**
 * Reads a Docker `config.json`. A missing file is an empty config. Only a regular file is
 * read (a FIFO, a device or a directory is refused without blocking on it), and only up to
 * `maxBytes`.
 *
 * @throws {CredentialSourceError} naming the path (never quoting the content) for a file
 * that is not a regular file, is too large, cannot be read or is not JSON.
 *
 * @example
 * ```ts
 * const config = await readDockerConfig(defaultDockerConfigPath());
 * ```
 */
export async function readDockerConfig(
  path: string,
  options: ReadDockerConfigOptions = {},
): Promise<DockerConfigFile> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOCKER_CONFIG_BYTES;
  const failure = (
    reason: 'not-a-file' | 'too-large' | 'unreadable' | 'invalid-json',
    extra: { cause?: unknown; limit?: number; detail?: string | undefined } = {},
  ) => new CredentialSourceError({ reason, source: path, ...extra });
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return {};
    throw failure('unreadable', { detail: code ?? 'error', cause: error });
  }
  let text: string;
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw failure('not-a-file', { detail: kindOf(info) });
    }
    const tooLarge = () => failure('too-large', { limit: maxBytes });
    if (info.size > maxBytes) throw tooLarge();
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buffer = Buffer.alloc(Math.min(64 * 1024, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw tooLarge(); // it grew after the stat
      chunks.push(buffer.subarray(0, bytesRead));
    }
    text = Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    if (error instanceof CredentialSourceError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw failure('unreadable', { detail: code ?? 'error', cause: error });
  } finally {
    await handle.close().catch(() => undefined);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as DockerConfigFile) : {};
  } catch {
    throw failure('invalid-json');
  }
}

function kindOf(info: Stats): string | undefined {
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isDirectory()) return 'a directory';
  if (info.isSocket()) return 'a socket';
  return undefined;
}

/** The key a registry host has in `config.json`: Docker Hub's is `https://index.docker.io/v1/`. */
export function dockerConfigKey(host: string): string {
  return host === DOCKER_HUB_HOST || host === 'index.docker.io' || host === 'registry-1.docker.io'
    ? DOCKER_HUB_CONFIG_KEY
    : host;
}

/** `https://quay.io/v1/` → `quay.io`: keys may be written as URLs. */
function normalizeKey(key: string): string {
  if (key === DOCKER_HUB_CONFIG_KEY) return key;
  const stripped = key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/.*$/, '');
  if (['index.docker.io', 'docker.io', 'registry-1.docker.io'].includes(stripped)) {
    return DOCKER_HUB_CONFIG_KEY;
  }
  return stripped;
}

/**
 * The entry of `record` (`credHelpers` or `auths`) for `key` (see {@link dockerConfigKey}):
 * the exact key, else the first key that means the same host (`https://quay.io/v1/`).
 */
export function configEntry<T>(record: Record<string, T> | undefined, key: string): T | undefined {
  if (!record) return undefined;
  if (Object.hasOwn(record, key)) return record[key];
  for (const [candidate, value] of Object.entries(record)) {
    if (normalizeKey(candidate) === key) return value;
  }
  return undefined;
}
