// Child process of the bench: test/support/latency-proxy.ts in front of a loopback registry,
// so that the emulated network's own work does not run on the bench's event loop (a remote
// registry's latency costs the client nothing but waiting). Spoken to over IPC (remote.ts).
import { startLatencyProxy } from '../../test/support/latency-proxy.js';

const [upstream, rtt] = process.argv.slice(2);
if (!upstream || !rtt || !process.send) throw new Error('usage: fork(latency-child, [url, rttMs])');
const proxy = await startLatencyProxy(upstream, Number(rtt));
const send = (m: unknown): void => {
  process.send?.(m);
};
process.on('message', (m: { type?: string; id?: number }) => {
  if (m.type === 'count') send({ type: 'count', id: m.id, requests: proxy.requests });
});
// The bench gone (done, or killed): nothing to wait for.
process.on('disconnect', () => {
  void proxy.stop().finally(() => process.exit(0));
});
send({ type: 'ready', url: proxy.url, host: proxy.host });
