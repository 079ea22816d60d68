import { type FileHandle, open, stat, unlink } from 'node:fs/promises';
import { UsageError } from './usage-error.js';

/**
 * Writing `--output FILE` failed after the merge ran. `code` is `OUTPUT_FAILED`; the message
 * says whether the list was pushed, and its digest.
 */
export class OutputFileError extends Error {
  override readonly name = 'OutputFileError' as const;
  /** Always `OUTPUT_FAILED`. */
  readonly code = 'OUTPUT_FAILED' as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The `--output FILE` of a merge, opened before any request so that a path that cannot be
 * written is a usage error (exit 2) and not a failure after the push. An existing file is not
 * touched until the new bytes are written; a file this run created is removed when the run
 * fails before writing it.
 */
export class OutputFile {
  #handle: FileHandle | undefined;

  private constructor(
    readonly path: string,
    handle: FileHandle,
    private readonly created: boolean,
    private readonly regular: boolean,
  ) {
    this.#handle = handle;
  }

  /**
   * Opens `path` for writing (creating it when missing, without truncating it).
   *
   * @throws {UsageError} when it is a directory or cannot be opened for writing.
   */
  static async open(path: string): Promise<OutputFile> {
    let existed = true;
    try {
      if ((await stat(path)).isDirectory()) {
        throw new UsageError(`--output '${path}' is a directory; name a file`);
      }
    } catch (error) {
      if (error instanceof UsageError) throw error;
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new UsageError(`cannot write --output '${path}': ${(error as Error).message}`);
      }
      existed = false;
    }
    let handle: FileHandle;
    try {
      handle = await open(path, 'a');
    } catch (error) {
      throw new UsageError(`cannot write --output '${path}': ${(error as Error).message}`);
    }
    const regular = (await handle.stat()).isFile();
    return new OutputFile(path, handle, !existed, regular);
  }

  /** Replaces the file's content with `bytes`, exactly, and closes it. */
  async write(bytes: Uint8Array): Promise<void> {
    const handle = this.#handle;
    if (handle === undefined)
      throw new OutputFileError(`--output '${this.path}' is already closed`);
    this.#handle = undefined;
    try {
      if (this.regular) await handle.truncate(0);
      await handle.writeFile(bytes);
    } finally {
      await handle.close();
    }
  }

  /** Closes the file unwritten; removes it when this run created it. */
  async discard(): Promise<void> {
    const handle = this.#handle;
    if (handle === undefined) return;
    this.#handle = undefined;
    await handle.close().catch(() => undefined);
    if (this.created) await unlink(this.path).catch(() => undefined);
  }
}
