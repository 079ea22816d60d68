// A tiny HTTP server of the test suite's own that misbehaves on purpose: redirects, 401s with
// chosen challenges, secrets echoed in error bodies, bodies that drip, stall or break off,
// huge error bodies, unparsable Location headers. Routes are tried in the order added; every
// request is recorded (whether it carried Authorization, never its value; how much of its
// body arrived). No code from `src/`.
import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import { closeServer, listen, requestSummary } from './fault-proxy.js';

export interface HostileRecord {
  method: string;
  path: string;
  /** Without the leading `?`. */
  query: string;
  hasAuthorization: boolean;
  /** Bytes of the request body received so far. */
  bodyBytes: number;
  /** True once the whole request body arrived (`end`). */
  bodyComplete: boolean;
  /** The status answered, once the head was written. */
  status?: number;
}

/** What a handler gets besides the request and the response. */
export interface HostileContext {
  /** This request's record (`bodyBytes` / `bodyComplete` keep growing while it is read). */
  record: HostileRecord;
  /** The server's own origin, `http://127.0.0.1:PORT`. */
  origin: string;
  /** The `Authorization` header as sent, for handlers that echo it (a hostile registry). */
  authorization: string | undefined;
}

export type HostileHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  ctx: HostileContext,
) => void | Promise<void>;

export interface HostileRoute {
  /** Exact method (`GET` does not match `HEAD`); any when omitted. */
  method?: string;
  /** Tested against the path without the query; any when omitted. */
  path?: RegExp;
  /** Only requests with (true) or without (false) an Authorization header. */
  authorized?: boolean;
  /** How many requests it serves. Default Infinity. */
  times?: number;
  handle: HostileHandler;
}

export interface HostileServer {
  url: string;
  host: string;
  port: number;
  requests: HostileRecord[];
  /** Adds a route (tried after the ones added before). */
  route(route: HostileRoute): void;
  /** Forgets every route and every record. */
  reset(): void;
  /** PUT requests whose whole body arrived and that were answered 2xx: what was "pushed". */
  pushes(): HostileRecord[];
  stop(): Promise<void>;
}

interface ActiveRoute {
  route: HostileRoute;
  remaining: number;
}

/** Starts a hostile server on `127.0.0.1`; unmatched requests get 404 `{"errors":[]}`. */
export async function startHostileServer(): Promise<HostileServer> {
  const routes: ActiveRoute[] = [];
  const requests: HostileRecord[] = [];
  let origin = '';
  const server: Server = createServer((req, res) => {
    const record: HostileRecord = { ...requestSummary(req), bodyBytes: 0, bodyComplete: false };
    requests.push(record);
    req.on('data', (chunk: Buffer) => {
      record.bodyBytes += chunk.length;
    });
    req.on('end', () => {
      record.bodyComplete = true;
    });
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
    (res as { writeHead: unknown }).writeHead = (status: number, ...rest: unknown[]) => {
      record.status = status;
      return writeHead(status, ...rest);
    };
    const active = routes.find(
      (r) =>
        r.remaining > 0 &&
        (r.route.method === undefined || r.route.method === record.method) &&
        (r.route.path === undefined || r.route.path.test(record.path)) &&
        (r.route.authorized === undefined || r.route.authorized === record.hasAuthorization),
    );
    if (!active) {
      req.resume();
      send(res, 404, {}, '{"errors":[]}');
      return;
    }
    active.remaining -= 1;
    const ctx: HostileContext = {
      record,
      origin,
      authorization: req.headers.authorization,
    };
    Promise.resolve(active.route.handle(req, res, ctx)).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 500;
  const port = await listen(server);
  origin = `http://127.0.0.1:${port}`;
  let stopped: Promise<void> | undefined;
  return {
    url: origin,
    host: `127.0.0.1:${port}`,
    port,
    requests,
    route(route) {
      routes.push({ route, remaining: route.times ?? Number.POSITIVE_INFINITY });
    },
    reset() {
      routes.length = 0;
      requests.length = 0;
    },
    pushes() {
      return requests.filter(
        (r) => r.method === 'PUT' && r.bodyComplete && r.status !== undefined && r.status < 300,
      );
    },
    stop() {
      stopped ??= closeServer(server);
      return stopped;
    },
  };
}

function send(
  res: ServerResponse,
  status: number,
  headers: OutgoingHttpHeaders,
  body: string | Buffer = '',
): void {
  const bytes = Buffer.from(body);
  res.writeHead(status, { 'content-length': String(bytes.length), ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : bytes);
}

/** Reads the whole request body (so the record's `bodyComplete` is set) before answering. */
function afterBody(req: IncomingMessage, then: () => void): void {
  if (req.readableEnded) {
    then();
    return;
  }
  req.on('end', then);
  req.resume();
}

// --- Handlers -------------------------------------------------------------------------

/** Answers `status` with `headers` and `body` (a function of the context: echo what came in). */
export function respond(
  status: number,
  opts: {
    headers?: OutgoingHttpHeaders;
    body?: string | Buffer | ((ctx: HostileContext) => string | Buffer);
  } = {},
): HostileHandler {
  return (req, res, ctx) =>
    afterBody(req, () =>
      send(
        res,
        status,
        opts.headers ?? {},
        typeof opts.body === 'function' ? opts.body(ctx) : opts.body,
      ),
    );
}

/** Answers with a redirect to `to` (absolute, used as is) or to `to(ctx)`. */
export function redirect(
  to: string | ((ctx: HostileContext) => string),
  status = 307,
): HostileHandler {
  return (req, res, ctx) =>
    afterBody(req, () => send(res, status, { location: typeof to === 'function' ? to(ctx) : to }));
}

/** 401 with `WWW-Authenticate: value`. */
export function challenge(
  value: string,
  body = '{"errors":[{"code":"UNAUTHORIZED"}]}',
): HostileHandler {
  return respond(401, { headers: { 'www-authenticate': value }, body });
}

/** A registry-style error body, `{"errors":[{code,message}]}`, the message maybe built from the request. */
export function registryError(
  status: number,
  code: string,
  message: string | ((ctx: HostileContext) => string),
): HostileHandler {
  return respond(status, {
    headers: { 'content-type': 'application/json' },
    body: (ctx) =>
      JSON.stringify({
        errors: [{ code, message: typeof message === 'function' ? message(ctx) : message }],
      }),
  });
}

/** A token endpoint answering `{ token, access_token, refresh_token? }` to GET and POST. */
export function tokenEndpoint(token: string, refreshToken?: string): HostileHandler {
  return respond(200, {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      token,
      access_token: token,
      expires_in: 300,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
    }),
  });
}

/**
 * Sends `body` with its Content-Length (unless `chunked`), `chunkBytes` every `everyMs`; with `stallAfterBytes`
 * it stops there and keeps the connection open (until the client gives up or `stop()`);
 * with `dropAfterBytes` it destroys the connection there (a body shorter than its length).
 */
export function drip(
  body: Buffer,
  opts: {
    chunkBytes: number;
    everyMs: number;
    status?: number;
    headers?: OutgoingHttpHeaders;
    stallAfterBytes?: number;
    dropAfterBytes?: number;
    /** Chunked, without Content-Length: the end comes only with the last (empty) chunk. */
    chunked?: boolean;
  },
): HostileHandler {
  return (req, res) =>
    afterBody(req, () => {
      res.writeHead(opts.status ?? 200, {
        ...(opts.chunked ? {} : { 'content-length': String(body.length) }),
        ...opts.headers,
      });
      let sent = 0;
      const stopAt = Math.min(
        body.length,
        opts.stallAfterBytes ?? opts.dropAfterBytes ?? body.length,
      );
      const tick = (): void => {
        if (res.destroyed) return;
        if (sent >= stopAt) {
          if (opts.dropAfterBytes !== undefined) res.socket?.destroy();
          else if (opts.stallAfterBytes === undefined) res.end();
          return; // stalled: nothing more, ever
        }
        const next = Math.min(stopAt, sent + opts.chunkBytes);
        res.write(body.subarray(sent, next));
        sent = next;
        setTimeout(tick, opts.everyMs).unref();
      };
      tick();
    });
}

/** Sends the head and the first `sendBytes` of `body` (Content-Length says all of it), then drops the connection. */
export function dropMidBody(
  body: Buffer,
  sendBytes: number,
  headers: OutgoingHttpHeaders = {},
): HostileHandler {
  return drip(body, { chunkBytes: sendBytes, everyMs: 20, dropAfterBytes: sendBytes, headers });
}

/** An error body of about `bytes` bytes: a registry `errors[]` whose first entries carry `codes`, then padding. */
export function hugeErrorBody(status: number, bytes: number, codes: string[]): HostileHandler {
  const head = `{"errors":[${codes.map((c) => `{"code":"${c}","message":"refused"}`).join(',')},{"code":"PADDING","message":"`;
  const tail = '"}]}';
  const body = head + 'x'.repeat(Math.max(0, bytes - head.length - tail.length)) + tail;
  return respond(status, { headers: { 'content-type': 'application/json' }, body });
}

/** Answers `status` (a redirect, or 202 to an upload POST) with a raw `Location` value. */
export function badLocation(status: number, location: string): HostileHandler {
  return respond(status, { headers: { location } });
}

/** Reads a request body to its end (an upload PUT), then answers `status` (201 by default). */
export function receive(status = 201, headers: OutgoingHttpHeaders = {}): HostileHandler {
  return respond(status, { headers });
}
