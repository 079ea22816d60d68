// An HTTP proxy of the test suite's own, in front of a registry or a token issuer, that logs
// every request and injects programmable faults; plus a tiny "other origin" server for
// redirects and hostile realms. Authorization values are never logged or printed.

import { createHash } from 'node:crypto';
import {
  Agent,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxyLogEntry {
  method: string;
  path: string;
  /** Without the leading `?`; `''` when none. */
  query: string;
  /** Whether an Authorization header was present (never its value). */
  hasAuthorization: boolean;
  /** What the client got; undefined for reset and stall (and while in flight). */
  status?: number;
  fault?: FaultAction['action'];
}

/** The requests of a proxy log that could write: everything but GET and HEAD. */
export const writeRequests = (log: readonly ProxyLogEntry[]): ProxyLogEntry[] =>
  log.filter((e) => e.method !== 'GET' && e.method !== 'HEAD');

export type FaultAction =
  | {
      action: 'respond';
      status: number;
      headers?: Record<string, string>;
      body?: string | Buffer;
    }
  | { action: 'reset' }
  | { action: 'stall' }
  | { action: 'replace-body'; body?: string | Buffer }
  | { action: 'redirect'; to: string; status?: number }
  | {
      action: 'rewrite-www-authenticate';
      value: string | ((original: string | undefined) => string);
    }
  | { action: 'delay'; ms: number }
  | { action: 'hold'; until: Promise<unknown> };

export type FaultRule = FaultAction & {
  /** Exact method (`GET` does not match `HEAD`) or a RegExp; any when omitted. */
  method?: string | RegExp;
  /** Tested against the path without the query; any when omitted. */
  path?: RegExp;
  /** How many requests it applies to. Default 1; `Infinity` for always. */
  times?: number;
};

export interface FaultHandle {
  readonly hits: number;
  readonly remaining: number;
  remove(): void;
}

export interface FaultProxy {
  url: string;
  host: string;
  port: number;
  upstream: string;
  log: ProxyLogEntry[];
  clearLog(): void;
  addFault(rule: FaultRule): FaultHandle;
  clearFaults(): void;
  /**
   * Emulate a registry that honours RFC 7232 preconditions on manifest PUTs to a tag
   * (`If-Match: "<digest>"`, `If-None-Match: *`): the tag's digest is read from upstream and a
   * failed precondition answers 412; checks and PUTs of one tag are serialised. CNCF
   * distribution itself ignores both headers. Settable at any time.
   */
  honourPreconditions: boolean;
  /** PUTs refused with 412 so far. */
  readonly preconditionFailures: number;
  stop(): Promise<void>;
}

/** Options of {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /** See {@link FaultProxy.honourPreconditions}. Default false. */
  honourPreconditions?: boolean;
  /**
   * Emulate the OCI 1.1 referrers API, which CNCF distribution 2.8 lacks: every manifest PUT
   * through the proxy whose body has a `subject` (and that upstream accepted) is indexed, and
   * `GET /v2/<name>/referrers/<digest>` answers an image index of their descriptors
   * (`artifactType` = the manifest's, else its config's media type; its annotations), filtered
   * by `?artifactType=` with `OCI-Filters-Applied: artifactType`. Default false.
   */
  referrers?: boolean;
}

/** A descriptor the emulated referrers API lists. */
interface ReferrerDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

const MANIFEST_PUT = /^\/v2\/(.+)\/manifests\/[^/]+$/;
const REFERRERS_GET = /^\/v2\/(.+)\/referrers\/([^/]+)$/;

/** The referrers index entry of a manifest PUT, or undefined when it names no subject. */
function referrerOf(
  body: Buffer,
  contentType: string | undefined,
): { subject: string; descriptor: ReferrerDescriptor } | undefined {
  let doc: {
    mediaType?: unknown;
    artifactType?: unknown;
    config?: { mediaType?: unknown };
    subject?: { digest?: unknown };
    annotations?: Record<string, string>;
  };
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  const subject = doc?.subject?.digest;
  if (typeof subject !== 'string') return undefined;
  const artifactType =
    typeof doc.artifactType === 'string'
      ? doc.artifactType
      : typeof doc.config?.mediaType === 'string'
        ? doc.config.mediaType
        : undefined;
  return {
    subject,
    descriptor: {
      mediaType: typeof doc.mediaType === 'string' ? doc.mediaType : (contentType ?? ''),
      digest: `sha256:${createHash('sha256').update(body).digest('hex')}`,
      size: body.length,
      ...(artifactType !== undefined ? { artifactType } : {}),
      ...(doc.annotations ? { annotations: doc.annotations } : {}),
    },
  };
}

interface ActiveRule {
  rule: FaultRule;
  hits: number;
  remaining: number;
}

/** Listens on a free port of `host`; resolves the port. */
export function listen(server: Server, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/** Closes `server` and every connection it has (stalled ones included). */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

const ALL_MANIFEST_TYPES = [
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
].join(', ');

/** Whether RFC 7232 `If-Match` / `If-None-Match` hold for a tag now resolving to `digest`. */
function preconditionHolds(headers: IncomingHttpHeaders, digest: string | undefined): boolean {
  const ifMatch = headers['if-match'];
  if (ifMatch !== undefined) {
    const wanted = ifMatch
      .split(',')
      .map((v) => v.trim().replace(/^W\//, '').replace(/^"|"$/g, ''));
    if (digest === undefined || !(wanted.includes('*') || wanted.includes(digest))) return false;
  }
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    const unwanted = ifNoneMatch
      .split(',')
      .map((v) => v.trim().replace(/^W\//, '').replace(/^"|"$/g, ''));
    if (digest !== undefined && (unwanted.includes('*') || unwanted.includes(digest))) return false;
  }
  return true;
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade'];

function stripHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out = { ...headers };
  for (const h of HOP_BY_HOP) delete out[h];
  return out;
}

/** What every request log of the test servers records: never the Authorization value. */
export function requestSummary(req: IncomingMessage): {
  method: string;
  path: string;
  query: string;
  hasAuthorization: boolean;
} {
  const u = new URL(req.url ?? '/', 'http://test.invalid');
  return {
    method: req.method ?? 'GET',
    path: u.pathname,
    query: u.search.replace(/^\?/, ''),
    hasAuthorization: req.headers.authorization !== undefined,
  };
}

function matches(rule: FaultRule, req: IncomingMessage, path: string): boolean {
  const method = req.method ?? 'GET';
  if (rule.method !== undefined) {
    if (
      typeof rule.method === 'string'
        ? rule.method.toUpperCase() !== method
        : !rule.method.test(method)
    ) {
      return false;
    }
  }
  return rule.path === undefined || rule.path.test(path);
}

function collect(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** Starts a logging, fault-injecting proxy in front of `upstream` (`http://127.0.0.1:PORT`). */
export async function startFaultProxy(
  upstream: string | { url: string },
  options: FaultProxyOptions = {},
): Promise<FaultProxy> {
  const upstreamUrl = new URL(typeof upstream === 'string' ? upstream : upstream.url);
  const state = {
    honourPreconditions: options.honourPreconditions === true,
    preconditionFailures: 0,
  };
  const tagLocks = new Map<string, Promise<void>>();
  /** `<name>@<subject digest>` → the descriptors of the manifests naming it (referrers emulation). */
  const referrers = new Map<string, ReferrerDescriptor[]>();
  const upstreamOrigin = upstreamUrl.origin;
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const rules: ActiveRule[] = [];
  const log: ProxyLogEntry[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let origin = '';

  const forward = (
    req: IncomingMessage,
    res: ServerResponse,
    entry: ProxyLogEntry,
    fault?: FaultAction,
  ): void => {
    const conditional =
      state.honourPreconditions &&
      req.method === 'PUT' &&
      /\/manifests\/[^/@:]+$/.test(entry.path) &&
      (req.headers['if-match'] !== undefined || req.headers['if-none-match'] !== undefined);
    if (!conditional) {
      forwardNow(req, res, entry, fault);
      return;
    }
    // One check-then-PUT per tag at a time, so the emulated compare-and-swap is atomic.
    const previous = tagLocks.get(entry.path) ?? Promise.resolve();
    const done = previous.then(
      () =>
        new Promise<void>((release) => {
          res.once('close', () => release());
          currentDigest(req, entry.path).then(
            (digest) => {
              if (preconditionHolds(req.headers, digest)) {
                forwardNow(req, res, entry, fault);
                return;
              }
              state.preconditionFailures += 1;
              req.resume();
              const body = JSON.stringify({
                errors: [{ code: 'PRECONDITION_FAILED', message: 'the tag has changed' }],
              });
              entry.status = 412;
              res.writeHead(412, {
                'content-type': 'application/json',
                'content-length': String(Buffer.byteLength(body)),
              });
              res.end(body);
            },
            () => {
              entry.status = 502;
              res.writeHead(502);
              res.end();
            },
          );
        }),
    );
    tagLocks.set(entry.path, done);
    done.then(() => {
      if (tagLocks.get(entry.path) === done) tagLocks.delete(entry.path);
    });
  };

  /** The digest the tag at `path` resolves to upstream, or undefined (asked with the caller's auth). */
  const currentDigest = (req: IncomingMessage, path: string): Promise<string | undefined> =>
    new Promise((resolve, reject) => {
      const head = request(
        {
          agent,
          protocol: upstreamUrl.protocol,
          hostname: upstreamUrl.hostname,
          port: upstreamUrl.port,
          method: 'HEAD',
          path,
          headers: {
            host: upstreamUrl.host,
            accept: ALL_MANIFEST_TYPES,
            ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
          },
        },
        (up) => {
          up.resume();
          const digest = up.headers['docker-content-digest'];
          resolve(up.statusCode === 200 && typeof digest === 'string' ? digest : undefined);
        },
      );
      head.on('error', reject);
      head.end();
    });

  const forwardNow = (
    req: IncomingMessage,
    res: ServerResponse,
    entry: ProxyLogEntry,
    fault?: FaultAction,
  ): void => {
    const put = options.referrers && req.method === 'PUT' ? MANIFEST_PUT.exec(entry.path) : null;
    const sent: Buffer[] = [];
    if (put) req.on('data', (chunk: Buffer) => sent.push(chunk));
    const index = (status: number): void => {
      if (!put || status !== 201) return;
      const found = referrerOf(Buffer.concat(sent), req.headers['content-type']);
      if (!found) return;
      const key = `${put[1]}@${found.subject}`;
      const list = referrers.get(key) ?? [];
      if (!list.some((d) => d.digest === found.descriptor.digest)) list.push(found.descriptor);
      referrers.set(key, list);
    };
    const upReq = request(
      {
        agent,
        protocol: upstreamUrl.protocol,
        hostname: upstreamUrl.hostname,
        port: upstreamUrl.port,
        method: req.method,
        path: req.url,
        headers: { ...stripHopByHop(req.headers), host: upstreamUrl.host },
      },
      (up) => {
        const headers = stripHopByHop(up.headers);
        const location = headers.location;
        if (typeof location === 'string' && location.startsWith(upstreamOrigin)) {
          headers.location = origin + location.slice(upstreamOrigin.length);
        }
        if (fault?.action === 'rewrite-www-authenticate') {
          const original = headers['www-authenticate'];
          headers['www-authenticate'] =
            typeof fault.value === 'function'
              ? fault.value(Array.isArray(original) ? original.join(', ') : original)
              : fault.value;
        }
        const status = up.statusCode ?? 502;
        entry.status = status;
        if (req.readableEnded) index(status);
        else req.once('end', () => index(status));
        if (fault?.action === 'replace-body') {
          collect(up)
            .then((original) => {
              const body =
                fault.body !== undefined
                  ? Buffer.from(fault.body)
                  : Buffer.concat([original, Buffer.from('\n')]);
              headers['content-length'] = String(body.length);
              res.writeHead(status, headers);
              res.end(req.method === 'HEAD' ? undefined : body);
            })
            .catch(() => res.destroy());
          return;
        }
        res.writeHead(status, headers);
        up.pipe(res);
        up.on('error', () => res.destroy());
      },
    );
    upReq.on('error', () => {
      if (!res.headersSent) {
        entry.status = 502;
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('fault proxy: upstream error');
      } else {
        res.destroy();
      }
    });
    req.pipe(upReq);
    res.on('close', () => {
      if (!res.writableFinished) upReq.destroy();
    });
  };

  /** The emulated referrers API's answer (see {@link FaultProxyOptions.referrers}). */
  const answerReferrers = (
    req: IncomingMessage,
    res: ServerResponse,
    entry: ProxyLogEntry,
    match: RegExpExecArray,
  ): void => {
    req.resume();
    const wanted = new URLSearchParams(entry.query).get('artifactType');
    const all = referrers.get(`${match[1]}@${match[2]}`) ?? [];
    const manifests = wanted === null ? all : all.filter((d) => d.artifactType === wanted);
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests,
    });
    entry.status = 200;
    res.writeHead(200, {
      'content-type': 'application/vnd.oci.image.index.v1+json',
      'content-length': String(Buffer.byteLength(body)),
      ...(wanted !== null ? { 'oci-filters-applied': 'artifactType' } : {}),
    });
    res.end(body);
  };

  const server = createServer((req, res) => {
    const entry: ProxyLogEntry = requestSummary(req);
    log.push(entry);
    const active = rules.find((r) => r.remaining > 0 && matches(r.rule, req, entry.path));
    const referrersGet =
      options.referrers && req.method === 'GET' ? REFERRERS_GET.exec(entry.path) : null;
    if (!active && referrersGet) {
      answerReferrers(req, res, entry, referrersGet);
      return;
    }
    if (!active) {
      forward(req, res, entry);
      return;
    }
    active.hits++;
    active.remaining--;
    const fault = active.rule;
    entry.fault = fault.action;
    switch (fault.action) {
      case 'respond': {
        req.resume();
        const body = fault.body === undefined ? Buffer.alloc(0) : Buffer.from(fault.body);
        entry.status = fault.status;
        res.writeHead(fault.status, { 'content-length': String(body.length), ...fault.headers });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
      case 'reset':
        req.socket.destroy();
        return;
      case 'stall':
        // Never answer; the socket goes away when the client gives up or on stop().
        req.resume();
        return;
      case 'redirect': {
        req.resume();
        const status = fault.status ?? 302;
        entry.status = status;
        res.writeHead(status, {
          location: fault.to.replace(/\/$/, '') + (req.url ?? '/'),
          'content-length': '0',
        });
        res.end();
        return;
      }
      case 'hold': {
        // Forward once `until` settles: a barrier that releases many requests at once.
        req.pause();
        fault.until.then(
          () => forward(req, res, entry),
          () => forward(req, res, entry),
        );
        return;
      }
      case 'delay': {
        req.pause();
        const timer = setTimeout(() => {
          timers.delete(timer);
          forward(req, res, entry);
        }, fault.ms);
        timers.add(timer);
        return;
      }
      default:
        forward(req, res, entry, fault);
    }
  });
  server.keepAliveTimeout = 1000;
  const port = await listen(server);
  origin = `http://127.0.0.1:${port}`;

  let stopped: Promise<void> | undefined;
  return {
    url: origin,
    host: `127.0.0.1:${port}`,
    port,
    upstream: upstreamOrigin,
    log,
    clearLog() {
      log.length = 0;
    },
    addFault(rule) {
      const active: ActiveRule = { rule, hits: 0, remaining: rule.times ?? 1 };
      rules.push(active);
      return {
        get hits() {
          return active.hits;
        },
        get remaining() {
          return active.remaining;
        },
        remove() {
          const i = rules.indexOf(active);
          if (i >= 0) rules.splice(i, 1);
        },
      };
    },
    clearFaults() {
      rules.length = 0;
    },
    get honourPreconditions() {
      return state.honourPreconditions;
    },
    set honourPreconditions(value: boolean) {
      state.honourPreconditions = value;
    },
    get preconditionFailures() {
      return state.preconditionFailures;
    },
    stop() {
      stopped ??= (async () => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        await closeServer(server);
        agent.destroy();
      })();
      return stopped;
    },
  };
}

// ---------------------------------------------------------------------------------------

export interface OtherOriginRecord {
  method: string;
  path: string;
  query: string;
  hasAuthorization: boolean;
}

export interface OtherOrigin {
  url: string;
  host: string;
  port: number;
  requests: OtherOriginRecord[];
  stop(): Promise<void>;
}

export interface OtherOriginOptions {
  /** Forward requests here, without the client's Authorization. */
  upstream?: string;
  /** Added to forwarded requests (e.g. `{ authorization: 'Basic …' }` for a basic registry). */
  upstreamHeaders?: Record<string, string>;
  /** Default true: a request carrying Authorization gets 400, as S3 answers. */
  rejectAuthorization?: boolean;
  /** The answer when there is no upstream. Default 200 `{}`. */
  respond?: { status: number; headers?: Record<string, string>; body?: string | Buffer };
  /** Default `127.0.0.1`; `127.0.0.2` also works on Linux. */
  bind?: string;
}

/** A server on another origin: a redirect target, or an attacker's token realm. */
export async function startOtherOrigin(opts: OtherOriginOptions = {}): Promise<OtherOrigin> {
  const requests: OtherOriginRecord[] = [];
  const rejectAuthorization = opts.rejectAuthorization ?? true;
  const upstream = opts.upstream ? new URL(opts.upstream) : undefined;
  const agent = new Agent({ keepAlive: false });
  const server = createServer((req, res) => {
    const summary = requestSummary(req);
    const { hasAuthorization } = summary;
    requests.push(summary);
    if (hasAuthorization && rejectAuthorization) {
      req.resume();
      const body =
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>InvalidArgument</Code>' +
        '<Message>Only one auth mechanism allowed</Message></Error>';
      res.writeHead(400, {
        'content-type': 'application/xml',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
      return;
    }
    if (upstream) {
      const headers = stripHopByHop(req.headers);
      delete headers.authorization;
      const upReq = request(
        {
          agent,
          hostname: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...headers, ...opts.upstreamHeaders, host: upstream.host },
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, stripHopByHop(up.headers));
          up.pipe(res);
        },
      );
      upReq.on('error', () => res.destroy());
      req.pipe(upReq);
      return;
    }
    req.resume();
    const r = opts.respond ?? {
      status: 200,
      body: '{}',
      headers: { 'content-type': 'application/json' },
    };
    const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body);
    res.writeHead(r.status, { 'content-length': String(body.length), ...r.headers });
    res.end(body);
  });
  server.keepAliveTimeout = 1000;
  const bind = opts.bind ?? '127.0.0.1';
  const port = await listen(server, bind);
  let stopped: Promise<void> | undefined;
  return {
    url: `http://${bind}:${port}`,
    host: `${bind}:${port}`,
    port,
    requests,
    stop() {
      stopped ??= closeServer(server).then(() => agent.destroy());
      return stopped;
    },
  };
}

/** A realm on a host that is not loopback and does not resolve (`.test` is reserved). */
export function hostileRealm(port: number): string {
  return `http://evil.example.test:${port}/token`;
}
