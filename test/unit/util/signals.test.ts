import { describe, expect, it } from 'vitest';
import { linkSignals } from '../../../src/util/signals.js';

describe('linkSignals', () => {
  it('aborts with the reason of whichever signal aborts first', () => {
    const a = new AbortController();
    const b = new AbortController();
    const linked = linkSignals(a.signal, undefined, b.signal);
    expect(linked.aborted).toBe(false);
    b.abort('b first');
    a.abort('a later');
    expect(linked.aborted).toBe(true);
    expect(linked.reason).toBe('b first');
  });

  it('returns a single signal as it is, and a signal that never aborts for none', () => {
    const a = new AbortController();
    expect(linkSignals(undefined, a.signal)).toBe(a.signal);
    expect(linkSignals().aborted).toBe(false);
    expect(linkSignals(undefined).aborted).toBe(false);
  });

  it('is aborted at once when a signal already is', () => {
    const linked = linkSignals(new AbortController().signal, AbortSignal.abort('done'));
    expect(linked.aborted).toBe(true);
    expect(linked.reason).toBe('done');
  });
});
