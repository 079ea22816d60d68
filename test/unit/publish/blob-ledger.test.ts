// The blob ledger: one transfer per blob however many copies ask, a failed one tried again.
import { describe, expect, it } from 'vitest';
import { BlobLedger } from '../../../src/publish/blob-ledger.js';

describe('BlobLedger', () => {
  it('runs one transfer of a digest for concurrent and later askers, one per digest', async () => {
    const ledger = new BlobLedger();
    const runs: string[] = [];
    const transfer = (d: string) => () => {
      runs.push(d);
      return new Promise<void>((r) => setTimeout(r, 5));
    };
    await Promise.all([
      ledger.ensure('sha256:a', transfer('sha256:a')),
      ledger.ensure('sha256:a', transfer('sha256:a')),
      ledger.ensure('sha256:b', transfer('sha256:b')),
    ]);
    await ledger.ensure('sha256:a', transfer('sha256:a'));
    expect(runs).toEqual(['sha256:a', 'sha256:b']);
  });

  it('forgets a failed transfer: its askers get the failure, a later one tries again', async () => {
    const ledger = new BlobLedger();
    let tries = 0;
    const failing = () => {
      tries++;
      return Promise.reject(new Error('mount refused'));
    };
    const both = [ledger.ensure('sha256:a', failing), ledger.ensure('sha256:a', failing)];
    for (const p of both) await expect(p).rejects.toThrow('mount refused');
    expect(tries).toBe(1);
    await ledger.ensure('sha256:a', async () => {
      tries++;
    });
    expect(tries).toBe(2);
  });
});
