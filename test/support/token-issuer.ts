// A Docker token-protocol issuer for tests: RS256 JWTs with an x5c header, a simple access
// policy, request counters and fault knobs. Runs in whatever process starts it.
import { execFile } from 'node:child_process';
import { createPrivateKey, createSign, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export type Policy = (
  subject: string | undefined,
  resource: { type: string; name: string },
  requested: string[],
) => string[];

export interface TokenIssuerOptions {
  /** Registry `auth.token.service` and the JWT `aud`. Default `test-registry`. */
  service?: string;
  /** JWT `iss`. Default `test-token-issuer`. */
  issuer?: string;
  /** username → password. Default alice and bob with random passwords. */
  users?: Record<string, string>;
  /** Who gets what. Default {@link defaultPolicy}. */
  policy?: Policy;
  /** Seconds, answered as `expires_in` and used for `exp`. Default 300. */
  expiresIn?: number;
}

export interface TokenRequestRecord {
  method: 'GET' | 'POST';
  grantType?: string;
  subject?: string;
  hadAuthorization: boolean;
  service?: string;
  scopes: string[];
  status: number;
}

export interface TokenCounts {
  get: number;
  post: number;
  total: number;
  byScope: Record<string, number>;
}

export interface TokenIssuer {
  url: string;
  realm: string;
  service: string;
  issuer: string;
  users: Record<string, string>;
  certPem: string;
  bundlePath: string;
  counts: TokenCounts;
  requests: TokenRequestRecord[];
  resetCounts(): void;
  failNext(n: number, status?: number, body?: string): void;
  expiresIn: number;
  policy: Policy;
  issueRefreshToken(user: string): string;
  stop(): Promise<void>;
}

/**
 * alice: every requested action on everything; bob: pull only; anonymous: pull only on
 * repositories named `public/...`. Anyone else authenticated: pull only.
 */
export const defaultPolicy: Policy = (subject, resource, requested) => {
  if (subject === 'alice') return requested;
  if (resource.type !== 'repository') return [];
  if (subject === undefined) {
    return resource.name.startsWith('public/') ? requested.filter((a) => a === 'pull') : [];
  }
  return requested.filter((a) => a === 'pull');
};

export function randomPassword(): string {
  return randomBytes(18).toString('base64url');
}

interface KeyMaterial {
  keyPem: string;
  certPem: string;
  certDerBase64: string;
}

let keyMaterial: Promise<KeyMaterial> | undefined;

/** A 2048-bit RSA key and a self-signed certificate for it, made once per process. */
export function tokenKeyMaterial(): Promise<KeyMaterial> {
  keyMaterial ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlm-key-'));
    try {
      const keyPath = join(dir, 'key.pem');
      const certPath = join(dir, 'cert.pem');
      await execFileAsync('openssl', [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        keyPath,
        '-out',
        certPath,
        '-days',
        '7',
        '-subj',
        '/CN=manifest-list-merger test token issuer',
      ]);
      const keyPem = await readFile(keyPath, 'utf8');
      const certPem = await readFile(certPath, 'utf8');
      const certDerBase64 = certPem
        .replace(/-----(BEGIN|END) CERTIFICATE-----/g, '')
        .replace(/\s+/g, '');
      return { keyPem, certPem, certDerBase64 };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })();
  keyMaterial.catch(() => {
    keyMaterial = undefined;
  });
  return keyMaterial;
}

function b64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

interface ParsedScope {
  type: string;
  name: string;
  actions: string[];
}

/** `repository:foo/bar:pull,push` (names may contain `:` only for a port in a host-qualified name). */
export function parseScope(scope: string): ParsedScope | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last === first) return undefined;
  return {
    type: scope.slice(0, first),
    name: scope.slice(first + 1, last),
    actions: scope
      .slice(last + 1)
      .split(',')
      .filter((a) => a.length > 0),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBasic(header: string | undefined): { user: string; pass: string } | undefined {
  if (!header) return undefined;
  const m = /^Basic\s+(\S+)\s*$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export async function startTokenIssuer(opts: TokenIssuerOptions = {}): Promise<TokenIssuer> {
  const keys = await tokenKeyMaterial();
  const privateKey = createPrivateKey(keys.keyPem);
  const dir = await mkdtemp(join(tmpdir(), 'mlm-issuer-'));
  const bundlePath = join(dir, 'rootcertbundle.pem');
  await writeFile(bundlePath, keys.certPem);

  const users: Record<string, string> = opts.users ?? {
    alice: randomPassword(),
    bob: randomPassword(),
  };
  const service = opts.service ?? 'test-registry';
  const issuerName = opts.issuer ?? 'test-token-issuer';
  const refreshTokens = new Map<string, string>();
  let pendingFaults: { n: number; status: number; body?: string } | undefined;

  const sign = (subject: string | undefined, access: ParsedScope[], expiresIn: number): string => {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', x5c: [keys.certDerBase64] };
    const claims = {
      iss: issuerName,
      sub: subject ?? '',
      aud: service,
      exp: now + expiresIn,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access: access.map((a) => ({ type: a.type, name: a.name, actions: a.actions })),
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = createSign('RSA-SHA256').update(input).sign(privateKey);
    return `${input}.${b64url(signature)}`;
  };

  const grant = (subject: string | undefined, scopes: string[]): ParsedScope[] => {
    const out: ParsedScope[] = [];
    for (const s of scopes) {
      const parsed = parseScope(s);
      if (!parsed) continue;
      const actions = issuer.policy(subject, { type: parsed.type, name: parsed.name }, [
        ...parsed.actions,
      ]);
      if (actions.length > 0) out.push({ ...parsed, actions });
    }
    return out;
  };

  const newRefreshToken = (user: string): string => {
    const token = `rt-${randomBytes(24).toString('base64url')}`;
    refreshTokens.set(token, user);
    return token;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://issuer.invalid');
    const method = req.method === 'POST' ? 'POST' : 'GET';
    const hadAuthorization = req.headers.authorization !== undefined;
    if (url.pathname !== '/token' || (req.method !== 'GET' && req.method !== 'POST')) {
      sendJson(res, 404, { errors: [{ code: 'NOT_FOUND', message: 'no such endpoint' }] });
      return;
    }
    let scopes: string[];
    let serviceParam: string | undefined;
    let form: URLSearchParams | undefined;
    if (method === 'GET') {
      scopes = url.searchParams.getAll('scope');
      serviceParam = url.searchParams.get('service') ?? undefined;
    } else {
      form = new URLSearchParams(await readBody(req));
      scopes = form
        .getAll('scope')
        .flatMap((s) => s.split(' '))
        .filter((s) => s.length > 0);
      serviceParam = form.get('service') ?? undefined;
    }
    const record: TokenRequestRecord = {
      method,
      hadAuthorization,
      scopes,
      status: 0,
      ...(serviceParam !== undefined ? { service: serviceParam } : {}),
      ...(form?.get('grant_type') ? { grantType: form.get('grant_type')! } : {}),
    };
    issuer.requests.push(record);
    if (method === 'GET') issuer.counts.get++;
    else issuer.counts.post++;
    issuer.counts.total++;
    for (const s of scopes) issuer.counts.byScope[s] = (issuer.counts.byScope[s] ?? 0) + 1;

    const answer = (status: number, body: unknown, headers?: Record<string, string>): void => {
      record.status = status;
      sendJson(res, status, body, headers);
    };

    if (pendingFaults && pendingFaults.n > 0) {
      pendingFaults.n--;
      const { status, body } = pendingFaults;
      if (pendingFaults.n === 0) pendingFaults = undefined;
      answer(status, body ?? { errors: [{ code: 'UNAVAILABLE', message: 'injected fault' }] });
      return;
    }
    if (serviceParam !== undefined && serviceParam !== service) {
      answer(400, { errors: [{ code: 'UNSUPPORTED', message: 'unknown service' }] });
      return;
    }
    const unauthorized = (message: string): void =>
      answer(
        401,
        { errors: [{ code: 'UNAUTHORIZED', message }] },
        method === 'GET' ? { 'www-authenticate': 'Basic realm="token"' } : {},
      );

    let subject: string | undefined;
    let offline = false;
    if (method === 'GET') {
      const basic = parseBasic(req.headers.authorization);
      if (hadAuthorization) {
        if (!basic || users[basic.user] === undefined || users[basic.user] !== basic.pass) {
          unauthorized('authentication failed');
          return;
        }
        subject = basic.user;
      }
      offline = url.searchParams.get('offline_token') === 'true' && subject !== undefined;
    } else {
      const grantType = form!.get('grant_type');
      if (grantType === 'password') {
        const user = form!.get('username') ?? '';
        const pass = form!.get('password') ?? '';
        if (users[user] === undefined || users[user] !== pass) {
          unauthorized('authentication failed');
          return;
        }
        subject = user;
        offline = form!.get('access_type') === 'offline';
      } else if (grantType === 'refresh_token') {
        const user = refreshTokens.get(form!.get('refresh_token') ?? '');
        if (user === undefined) {
          unauthorized('invalid refresh token');
          return;
        }
        subject = user;
      } else {
        answer(400, { errors: [{ code: 'UNSUPPORTED', message: 'unsupported grant_type' }] });
        return;
      }
    }
    if (subject !== undefined) record.subject = subject;
    const expiresIn = issuer.expiresIn;
    const token = sign(subject, grant(subject, scopes), expiresIn);
    const body: Record<string, unknown> = {
      token,
      access_token: token,
      expires_in: expiresIn,
      issued_at: new Date().toISOString(),
    };
    if (method === 'POST') body['scope'] = scopes.join(' ');
    if (offline && subject !== undefined) body['refresh_token'] = newRefreshToken(subject);
    if (method === 'POST' && form!.get('grant_type') === 'refresh_token') {
      body['refresh_token'] = form!.get('refresh_token');
    }
    answer(200, body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent)
        sendJson(res, 500, { errors: [{ code: 'INTERNAL', message: String(err) }] });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  let stopped: Promise<void> | undefined;
  const issuer: TokenIssuer = {
    url: base,
    realm: `${base}/token`,
    service,
    issuer: issuerName,
    users,
    certPem: keys.certPem,
    bundlePath,
    counts: { get: 0, post: 0, total: 0, byScope: {} },
    requests: [],
    resetCounts() {
      issuer.counts.get = 0;
      issuer.counts.post = 0;
      issuer.counts.total = 0;
      issuer.counts.byScope = {};
      issuer.requests.length = 0;
    },
    failNext(n, status = 500, body) {
      pendingFaults = n > 0 ? { n, status, ...(body !== undefined ? { body } : {}) } : undefined;
    },
    expiresIn: opts.expiresIn ?? 300,
    policy: opts.policy ?? defaultPolicy,
    issueRefreshToken(user) {
      if (users[user] === undefined) throw new Error(`unknown user ${user}`);
      return newRefreshToken(user);
    },
    stop() {
      stopped ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await rm(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
  return issuer;
}
