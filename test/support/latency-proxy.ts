// A proxy that makes a loopback registry look remote: each request reaches the upstream half
// a round trip after it arrived, and each response starts back half a round trip after the
// upstream answered. Connections are kept alive, as a client's to a real registry are.
import { Agent, createServer, type IncomingHttpHeaders, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LatencyProxy {
  url: string;
  /** `127.0.0.1:PORT`: use in image references instead of the registry's. */
  host: string;
  /** The emulated round trip, in ms. */
  rttMs: number;
  /** Requests forwarded so far. */
  readonly requests: number;
  stop(): Promise<void>;
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade'];

function strip(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out = { ...headers };
  for (const h of HOP_BY_HOP) delete out[h];
  return out;
}

/** Starts a proxy in front of `upstream` (`http://127.0.0.1:PORT`) adding `rttMs` per request. */
export async function startLatencyProxy(
  upstream: string | { url: string },
  rttMs: number,
): Promise<LatencyProxy> {
  const target = new URL(typeof upstream === 'string' ? upstream : upstream.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const half = rttMs / 2;
  const timers = new Set<NodeJS.Timeout>();
  const later = (fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, half);
    timers.add(t);
  };
  let count = 0;
  let origin = '';
  const server = createServer((req, res) => {
    count += 1;
    // Buffer the request body (manifests and test blobs are small), then forward it late.
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () =>
      later(() => {
        const up = request(
          {
            agent,
            hostname: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers: { ...strip(req.headers), host: target.host },
          },
          (answer) => {
            const body: Buffer[] = [];
            answer.on('data', (c: Buffer) => body.push(c));
            answer.on('end', () =>
              later(() => {
                const headers = strip(answer.headers);
                const location = headers.location;
                if (typeof location === 'string' && location.startsWith(target.origin)) {
                  headers.location = origin + location.slice(target.origin.length);
                }
                res.writeHead(answer.statusCode ?? 502, headers);
                res.end(Buffer.concat(body));
              }),
            );
          },
        );
        up.on('error', () => res.destroy());
        up.end(Buffer.concat(chunks));
      }),
    );
  });
  server.keepAliveTimeout = 5000;
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
  origin = `http://127.0.0.1:${port}`;
  return {
    url: origin,
    host: `127.0.0.1:${port}`,
    rttMs,
    get requests() {
      return count;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
