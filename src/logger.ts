import { redact } from './errors/redact.js';

/**
 * Where the library writes its log lines. Shaped like `console` and pino, so either can be
 * passed as is; every method is optional. The library is silent by default and never logs a
 * credential or token.
 *
 * @example
 * ```ts
 * new ManifestListMerger({ srcImage, destImage, logger: console });
 * new ManifestListMerger({ srcImage, destImage, logger: pino() });
 * ```
 */
export interface Logger {
  /** Request-level detail. */
  debug?(message: string): void;
  /** Progress of a merge (the four lines pubtools-quay writes). */
  info?(message: string): void;
  /** Something was retried or skipped. */
  warn?(message: string): void;
  /** Something failed. */
  error?(message: string): void;
}

/** A logger that writes nothing: the default. */
export const silentLogger: Logger = Object.freeze({});

/**
 * Writes `message`, stripped of anything that looks like a credential, to `logger[level]`
 * when the logger has that level. Never throws: a broken logger must not break a merge or a
 * request.
 */
export function log(logger: Logger | undefined, level: keyof Logger, message: string): void {
  const fn = logger?.[level];
  if (typeof fn !== 'function') return;
  try {
    fn.call(logger, redact(message));
  } catch {
    // ignore: logging is best effort
  }
}
