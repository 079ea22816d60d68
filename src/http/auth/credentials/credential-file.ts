import { constants, type Stats } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { CredentialSourceError } from '../../../errors/credential-source-error.js';
import type { DockerConfigFile } from './docker-config.js';

/**
 * The largest credential file read by default: 1 MiB (`docker login` and `podman login`
 * write a few KiB).
 */
export const DEFAULT_MAX_CREDENTIAL_FILE_BYTES = 1024 * 1024;

/** Options of {@link readCredentialFile}. */
export interface ReadCredentialFileOptions {
  /**
   * The largest file read, in bytes; a larger one is refused unread.
   * @default 1_048_576 (1 MiB)
   */
  maxBytes?: number | undefined;
  /**
   * A missing file is an error (`unreadable`, `ENOENT`) rather than an empty one: for a file
   * the user named (`--authfile`, `REGISTRY_AUTH_FILE`), as podman does.
   * @default false
   */
  required?: boolean | undefined;
}

/**
 * Reads a credential file: Docker's `config.json` or a containers `auth.json` (the same
 * JSON shape: `auths`, `credHelpers`, …). A missing file is an empty one (unless
 * `required`). Only a regular file is read (a FIFO, a device or a directory is refused
 * without blocking on it), and only up to `maxBytes`.
 *
 * @throws {CredentialSourceError} naming the path (never quoting the content) for a file
 * that is not a regular file, is too large, cannot be read or is not JSON.
 *
 * @example
 * ```ts
 * const config = await readCredentialFile(defaultDockerConfigPath());
 * ```
 */
export async function readCredentialFile(
  path: string,
  options: ReadCredentialFileOptions = {},
): Promise<DockerConfigFile> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_CREDENTIAL_FILE_BYTES;
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
    if (code === 'ENOENT' && !options.required) return {};
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
