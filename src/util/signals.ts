/**
 * One signal that aborts as soon as any of `signals` does, with that signal's reason.
 * `undefined` entries are skipped; a single signal is returned as it is. Built on
 * `AbortSignal.any`, which adds no `'abort'` listener to the signals it links, so many
 * concurrent calls sharing one caller's signal raise no `MaxListenersExceededWarning`.
 *
 * @example
 * ```ts
 * const stop = new AbortController();
 * const signal = linkSignals(options.signal, stop.signal);
 * ```
 */
export function linkSignals(...signals: readonly (AbortSignal | undefined)[]): AbortSignal {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  if (present.length === 1) return present[0] as AbortSignal;
  if (present.length === 0) return new AbortController().signal;
  return AbortSignal.any(present);
}
