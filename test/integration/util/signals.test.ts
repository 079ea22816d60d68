// Many concurrent calls sharing one AbortSignal (as mergeMany's jobs do) must neither warn
// about listener leaks nor lose the ability to abort them all at once.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HttpRegistryClient, RequestAbortedError } from '../../../src/index.js';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy.js';
import { pushList } from '../../support/images.js';
import { startAnonymousRegistry, type TestRegistry, uniqueRepo } from '../../support/registry.js';

let reg: TestRegistry;
let proxy: FaultProxy;
beforeAll(async () => {
  reg = await startAnonymousRegistry();
  proxy = await startFaultProxy(reg);
});
afterAll(async () => {
  await proxy?.stop();
  await reg?.stop();
});

it('40 concurrent calls on one signal: no MaxListenersExceededWarning, and one abort stops all', async () => {
  const repo = uniqueRepo('signal');
  await pushList(reg, repo, 'a', { platforms: ['linux/amd64'] });
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.name);
  process.on('warning', onWarning);
  try {
    const client = new HttpRegistryClient();
    const shared = new AbortController();
    await Promise.all(
      Array.from({ length: 40 }, () =>
        client.getManifest(`${reg.host}/${repo}:a`, { signal: shared.signal }),
      ),
    );
    // Now stall every request and abort them together.
    proxy.addFault({ action: 'stall', times: Number.POSITIVE_INFINITY });
    const pending = Array.from({ length: 40 }, () =>
      client
        .getManifest(`${proxy.host}/${repo}:a`, { signal: shared.signal })
        .catch((e: unknown) => e),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    shared.abort();
    const errors = await Promise.all(pending);
    expect(errors.every((e) => e instanceof RequestAbortedError)).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  } finally {
    process.off('warning', onWarning);
    proxy.clearFaults();
  }
});
