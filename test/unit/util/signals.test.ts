import { describe, expect, it } from 'vitest';
import { linkSignals } from '../../../src/util/signals.js';

describe('linkSignals', () => {
  it('with no signal, one that never aborts', () => {
    expect(linkSignals().aborted).toBe(false);
    expect(linkSignals(undefined, undefined).aborted).toBe(false);
  });

  it('a single signal is returned as it is', () => {
    const { signal } = new AbortController();
    expect(linkSignals(undefined, signal)).toBe(signal);
  });

  it.each([0, 1])('aborts when signal %i of two does, with its reason', (which) => {
    const controllers = [new AbortController(), new AbortController()];
    const linked = linkSignals(...controllers.map((c) => c.signal));
    expect(linked.aborted).toBe(false);
    const reason = new Error(`stop ${which}`);
    controllers[which]?.abort(reason);
    expect(linked.aborted).toBe(true);
    expect(linked.reason).toBe(reason);
  });

  it('is aborted at once when a signal already is', () => {
    const reason = new Error('already');
    expect(linkSignals(AbortSignal.abort(reason), new AbortController().signal).reason).toBe(
      reason,
    );
  });
});
