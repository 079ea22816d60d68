import { type Logger, log } from '../logger.js';

/**
 * A logger the client writes to: the library's {@link Logger} (`console`, pino, winston and
 * most others fit). Only string messages are passed, already stripped of credentials.
 *
 * @example
 * ```ts
 * new HttpRegistryClient({ logger: console });
 * ```
 */
export type RegistryLogger = Logger;

/** Log levels of {@link RegistryLogger}. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Writes a redacted line to `logger` (if it has that level), never throwing. */
export const writeLog: (
  logger: RegistryLogger | undefined,
  level: LogLevel,
  message: string,
) => void = log;
