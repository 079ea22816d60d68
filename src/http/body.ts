import { finished, Readable, Transform } from 'node:stream';
import { errorCode } from '../errors/guards.js';

/**
 * Bodies of non-2xx answers (a registry's `{"errors":[…]}`) are read up to 64 KiB, then the
 * connection is dropped: enough for the status, the codes and the first messages, whatever
 * a hostile or broken server sends.
 */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** Why reading or sending a body failed: no bytes for the idle timeout, too many bytes, or the connection. */
export type BodyFailureKind = 'idle' | 'overflow' | 'network';

/** A body that could not be read or sent; `kind` says why, `cause` is the stream's error. */
export class BodyFailure extends Error {
  constructor(
    readonly kind: BodyFailureKind,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'BodyFailure';
  }
}

/** How much of a body to read. */
export interface ReadLimit {
  /** Largest number of bytes kept. */
  limit: number;
  /** Past `limit`: stop and keep the first `limit` bytes (`true`), or fail with `overflow`. */
  truncate: boolean;
  /** No bytes for this long fails with `idle`. */
  idleMs: number;
}

/**
 * Reads `source` into one buffer of at most `limit` bytes, failing when no bytes arrive for
 * `idleMs`, when the connection drops before the end, or (unless `truncate`) past `limit`.
 * The stream is destroyed when reading stops early, so memory stays bounded.
 */
export function readBody(
  source: Readable,
  { limit, truncate, idleMs }: ReadLimit,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const idle = new IdleTimer(idleMs, () =>
      settle(new BodyFailure('idle', `no bytes received for ${idleMs} ms`)),
    );
    const settle = (failure?: BodyFailure): void => {
      if (settled) return;
      settled = true;
      idle.stop();
      stopWatching();
      if (!source.readableEnded) source.destroy();
      if (failure) reject(failure);
      else resolve(Buffer.concat(chunks));
    };
    source.on('data', (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const room = limit - total;
      total += buffer.byteLength;
      if (buffer.byteLength > room) {
        if (!truncate) {
          settle(new BodyFailure('overflow', `the body is larger than ${limit} bytes`));
          return;
        }
        chunks.push(buffer.subarray(0, Math.max(0, room)));
        settle();
        return;
      }
      chunks.push(buffer);
      idle.arm();
    });
    const stopWatching = finished(source, { writable: false }, (error) => {
      if (!error) settle();
      else settle(networkFailure(error));
    });
    idle.arm();
  });
}

/**
 * An error body (`data`, a stream or bytes) read up to {@link MAX_ERROR_BODY_BYTES} under the
 * idle timeout; a broken one counts as empty.
 */
export function readErrorBody(data: unknown, idleMs: number): Promise<Buffer> {
  if (!(data instanceof Readable)) return Promise.resolve(toBuffer(data));
  return readBody(data, { limit: MAX_ERROR_BODY_BYTES, truncate: true, idleMs }).catch(() =>
    Buffer.alloc(0),
  );
}

/** Whatever axios handed back as a body (nothing, bytes, a string), as a `Buffer`. */
export function toBuffer(data: unknown): Buffer {
  if (data === undefined || data === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(String(data), 'utf8');
}

/**
 * `source` behind an idle timeout that counts only while the reader is waiting for bytes: a
 * reader that pauses (a slow upload downstream, a stream consumed later) is not the
 * server's silence. No bytes for `idleMs` while read, a dropped connection, or any error of
 * `source` destroys the returned stream with `onFailure(failure)`.
 */
export function guardDownload(
  source: Readable,
  idleMs: number,
  onFailure: (failure: BodyFailure) => Error,
): Readable {
  let done = false;
  const fail = (failure: BodyFailure): void => {
    if (done) return;
    done = true;
    out.destroy(onFailure(failure));
  };
  const idle = new IdleTimer(idleMs, () =>
    fail(new BodyFailure('idle', `no bytes received for ${idleMs} ms`)),
  );
  const out = new Readable({
    read() {
      idle.arm();
      source.resume();
    },
    destroy(error, callback) {
      done = true;
      idle.stop();
      stopWatching();
      if (!source.readableEnded) source.destroy();
      callback(error);
    },
  });
  source.on('data', (chunk: Buffer) => {
    idle.stop();
    if (!out.push(chunk)) source.pause();
  });
  source.pause();
  const stopWatching = finished(source, { writable: false }, (error) => {
    idle.stop();
    if (error) fail(networkFailure(error));
    else if (!done) {
      done = true;
      out.push(null);
    }
  });
  return out;
}

/**
 * An upload's idle timeout: armed from the start, re-armed by every chunk the request takes,
 * still armed after the last one until the answer's headers arrive ({@link stop}). When it
 * fires, {@link signal} aborts the request and {@link timedOut} is set.
 */
export class UploadGuard {
  readonly #controller = new AbortController();
  readonly #idle: IdleTimer;
  #timedOut = false;

  constructor(idleMs: number) {
    this.#idle = new IdleTimer(idleMs, () => {
      this.#timedOut = true;
      this.#controller.abort();
    });
    this.#idle.arm();
  }

  /** True once the upload was aborted for being idle. */
  get timedOut(): boolean {
    return this.#timedOut;
  }

  /** Aborts when the upload stayed idle too long. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** `body` passed through, re-arming the timer per chunk; errors and destruction propagate both ways. */
  wrap(body: Readable): Readable {
    const meter = new Transform({
      transform: (chunk, _encoding, callback) => {
        this.#idle.arm();
        callback(null, chunk);
      },
    });
    body.on('error', (error) => meter.destroy(error));
    meter.on('close', () => {
      if (!body.readableEnded) body.destroy();
    });
    return body.pipe(meter);
  }

  /** The answer's headers arrived, or the request is over: the upload is no longer idle. */
  stop(): void {
    this.#idle.end();
  }
}

class IdleTimer {
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(
    private readonly ms: number,
    private readonly onIdle: () => void,
  ) {}

  arm(): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.onIdle();
    }, this.ms);
  }

  /** Disarms until the next {@link arm}. */
  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Disarms for good. */
  end(): void {
    this.#stopped = true;
    this.stop();
  }
}

function networkFailure(error: unknown): BodyFailure {
  const what = errorCode(error) ?? (error instanceof Error ? error.message : 'error');
  return new BodyFailure(
    'network',
    `the connection failed while the body was read (${what})`,
    error,
  );
}
