import { redact } from '../../errors/redact.js';

/**
 * A logger the client writes to: `console`, pino, winston and most others fit. Only string
 * messages are passed, already stripped of credentials. Every method is optional.
 *
 * @example
 * ```ts
 * new HttpRegistryClient({ logger: console });
 * new HttpRegistryClient({ logger: pino() });
 * ```
 */
export interface RegistryLogger {
  debug?(message: string): void;
  info?(message: string): void;
  warn?(message: string): void;
  error?(message: string): void;
}

/** Log levels of {@link RegistryLogger}. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Writes a redacted line to `logger` (if it has that level), never throwing. */
export function writeLog(
  logger: RegistryLogger | undefined,
  level: LogLevel,
  message: string,
): void {
  if (!logger) return;
  const method = logger[level];
  if (typeof method !== 'function') return;
  try {
    method.call(logger, redact(message));
  } catch {
    // a broken logger must not break a request
  }
}
