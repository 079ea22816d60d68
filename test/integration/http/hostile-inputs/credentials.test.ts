// The standing hostile-input suite of HttpRegistryClient (issue 9). Each row is one hostile
// case: a misbehaving registry, redirect target or token realm (test/support/hostile-server.ts),
// a hostile option or reference. The assertions are the same for every row:
//   - the call settles (no hang) and rejects with a ManifestListMergerError of the row's code;
//   - no secret the client holds (password, base64 user:pass, bearer JWT, identity and
//     refresh tokens, a presigned URL's signature) is in its message, toJSON, util.inspect or
//     any log line;
//   - nothing was pushed.
// Below the table: what a hostile server must not break (steady slow transfers, one dropped
// connection, sha512), and the deadline as the bound of a dripping transfer.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  type AuthenticationError,
  InvalidOptionError,
  ManifestListMergerError,
  type RegistryError,
  RequestTimeoutError,
} from '../../../../src/errors/index.js';
import { HttpRegistryClient } from '../../../../src/http/http-registry-client.js';
import type { HttpRegistryClientOptions } from '../../../../src/http/options.js';
import {
  badLocation,
  challenge,
  drip,
  dropMidBody,
  type HostileServer,
  hugeErrorBody,
  receive,
  redirect,
  registryError,
  respond,
  startHostileServer,
  tokenEndpoint,
} from '../../../support/hostile-server.js';
import { uniqueRepo } from '../../../support/registry.js';

const regs = inject('registries');

// --- The client's secrets ---------------------------------------------------------------
const hex = (n: number) => randomBytes(n).toString('hex');
const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const USER = 'alice';
const PASSWORD = `pw-${hex(8)}`;
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
const JWT = `${b64url('{"alg":"RS256","typ":"JWT"}')}.${b64url(`{"sub":"alice","jti":"${hex(6)}"}`)}.${b64url(randomBytes(32))}`;
const IDENTITY = `identity-${hex(8)}`;
const REFRESH = `refresh-${hex(8)}`;
const SIGNATURE = hex(32);
const ACCESS_KEY = `AKIA${hex(6).toUpperCase()}`;
const SECRETS = { PASSWORD, BASIC, JWT, IDENTITY, REFRESH, SIGNATURE, ACCESS_KEY };

// --- What the hostile registry serves ---------------------------------------------------
const LIST = 'application/vnd.oci.image.index.v1+json';
const MANIFEST = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: LIST, manifests: [] }));
const sha = (algorithm: 'sha256' | 'sha512', bytes: Buffer) =>
  `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
const BLOB = randomBytes(64 * 1024);
const BLOB_DIGEST = sha('sha256', BLOB);
const TAMPERED = randomBytes(1024);
const TAMPERED_DIGEST = sha('sha256', randomBytes(1024)); // what the tampered bytes claim to be
const MANIFESTS = /\/manifests\//;
const BLOBS = /\/blobs\/(sha|md5)/;
const UPLOADS = /\/blobs\/uploads\/$/;

const TIMEOUT = 300;
const HANG_MS = 5_000;
const fast = { retries: 1, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 5 };

interface Env {
  /** The registry. */
  a: HostileServer;
  /** Another origin: a redirect target (storage). */
  b: HostileServer;
  /** A third origin: a token realm. */
  c: HostileServer;
  /** Every line logged by the clients made with `client()`. */
  lines: string[];
  client(extra?: HttpRegistryClientOptions): HttpRegistryClient;
  image(tag?: string): string;
}

interface Row {
  item: string;
  name: string;
  code: string;
  reason?: string;
  /** The hostile call: must reject. */
  run(env: Env): Promise<unknown>;
  /** Row-specific checks on top of the uniform ones. */
  check?(env: Env, error: Error): void | Promise<void>;
  /** Whether something reached a real registry (the hostile servers are checked for every row). */
  pushed?(env: Env): Promise<boolean>;
}

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** A blob source that sends one chunk, then nothing, ever (until destroyed). */
function stalledSource(): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(Buffer.alloc(16 * 1024, 1));
      }
    },
  });
}

/** An upload endpoint that checks nothing: POST → 202 `/upload/1`, PUT → 201 once the body is in. */
function acceptUploads(server: HostileServer): void {
  server.route({
    method: 'POST',
    path: UPLOADS,
    handle: respond(202, { headers: { location: '/upload/1' } }),
  });
  server.route({ method: 'PUT', handle: receive(201) });
}

const bearerRealm = (env: Env) => `Bearer realm="${env.c.url}/token",service="hostile"`;

const rows: Row[] = [
  // 1. Credentials reach an origin chosen by a redirect target.
  ...(
    [
      ['username/password', () => ({})],
      [
        "Docker config 'auths'",
        (env: Env): HttpRegistryClientOptions => ({
          username: undefined,
          password: undefined,
          dockerConfig: { auths: { [env.a.host]: { auth: BASIC } } },
        }),
      ],
    ] as const
  ).map(
    ([source, options]): Row => ({
      item: '1',
      name: `a redirect target's Bearer challenge naming a third origin is not answered (${source})`,
      code: 'AUTHENTICATION_FAILED',
      reason: 'foreign-challenge',
      run: (env) => {
        env.a.route({ path: MANIFESTS, handle: redirect(`${env.b.url}/storage/manifest`, 307) });
        env.b.route({ handle: challenge(bearerRealm(env)) });
        env.c.route({ handle: tokenEndpoint(JWT) });
        return env.client(options(env)).getManifest(env.image());
      },
      check: async (env) => {
        expect(env.c.requests).toEqual([]); // the realm never saw the credentials
        expect(env.b.requests.every((r) => !r.hasAuthorization)).toBe(true);
      },
    }),
  ),
  {
    item: '1',
    name: "a redirect target's challenge is not remembered for the registry",
    code: 'AUTHENTICATION_FAILED',
    reason: 'foreign-challenge',
    run: async (env) => {
      env.a.route({ path: MANIFESTS, times: 1, handle: redirect(`${env.b.url}/x`, 307) });
      env.a.route({ path: MANIFESTS, handle: respond(200, { body: MANIFEST }) });
      env.b.route({ handle: challenge(bearerRealm(env)) });
      env.c.route({ handle: tokenEndpoint(JWT) });
      const client = env.client();
      const error = await client.getManifest(env.image()).catch((e: unknown) => e);
      // The next call goes straight to the registry: no token asked from the third origin.
      await client.getManifest(env.image());
      expect(env.c.requests).toEqual([]);
      expect(env.a.requests.map((r) => r.hasAuthorization)).toEqual([false, false]);
      throw error;
    },
  },
  {
    item: '1',
    name: "a redirect target's Basic challenge is not answered",
    code: 'AUTHENTICATION_FAILED',
    reason: 'foreign-challenge',
    run: (env) => {
      env.a.route({ path: MANIFESTS, handle: redirect(`${env.b.url}/x`, 302) });
      env.b.route({ handle: challenge('Basic realm="storage"') });
      return env.client().getManifest(env.image());
    },
    check: (env) => {
      expect(env.a.requests).toHaveLength(1);
      expect(env.b.requests.every((r) => !r.hasAuthorization)).toBe(true);
    },
  },

  // 2. Secrets a registry echoes back.
  {
    item: '2',
    name: 'a Basic registry echoing the Authorization value, the base64 pair and the password',
    code: 'REGISTRY_ERROR',
    run: (env) => {
      env.a.route({ authorized: false, handle: challenge('Basic realm="registry"') });
      env.a.route({
        handle: registryError(
          400,
          'DENIED',
          (ctx) =>
            `bad header ${ctx.authorization}; pair ${BASIC}; user ${USER} password ${PASSWORD}; pw=${encodeURIComponent(PASSWORD)}`,
        ),
      });
      return env.client().getManifest(env.image());
    },
    check: (_env, error) => {
      expect((error as RegistryError).status).toBe(400);
      expect((error as RegistryError).registryCodes).toEqual(['DENIED']);
      expect(error.message).toContain('bad header'); // the registry's text is kept, scrubbed
    },
  },
  {
    item: '2',
    name: 'a Bearer registry echoing the granted JWT and refresh token bare',
    code: 'REGISTRY_ERROR',
    run: (env) => {
      env.a.route({ authorized: false, handle: challenge(bearerRealm(env)) });
      env.a.route({
        handle: registryError(403, 'DENIED', `token ${JWT} (refresh ${REFRESH}) has no access`),
      });
      env.c.route({ handle: tokenEndpoint(JWT, REFRESH) });
      return env.client().getManifest(env.image());
    },
    check: (env) => {
      expect(env.c.requests).toHaveLength(1); // the registry's own realm: credentials allowed
    },
  },
  {
    item: '2',
    name: 'a registry echoing an identity token and the token it was exchanged for',
    code: 'REGISTRY_ERROR',
    run: (env) => {
      env.a.route({ authorized: false, handle: challenge(bearerRealm(env)) });
      env.a.route({
        handle: registryError(400, 'DENIED', `identity ${IDENTITY} gave ${JWT}`),
      });
      env.c.route({ method: 'POST', handle: tokenEndpoint(JWT) });
      return env
        .client({
          username: undefined,
          password: undefined,
          credentials: () => ({ identityToken: IDENTITY }),
        })
        .getManifest(env.image());
    },
  },
  {
    item: '2',
    name: 'a presigned storage URL in the error and the logs loses its query',
    code: 'REGISTRY_ERROR',
    run: (env) => {
      env.a.route({
        path: BLOBS,
        handle: redirect(
          (ctx) =>
            `${env.b.url}/bucket/blob?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${ACCESS_KEY}%2F20260101&X-Amz-Signature=${SIGNATURE}&from=${ctx.record.path}`,
        ),
      });
      env.b.route({ handle: respond(403, { body: '<Error><Code>AccessDenied</Code></Error>' }) });
      return env.client().getBlob(env.image(), BLOB_DIGEST);
    },
    check: (env, error) => {
      expect((error as RegistryError).status).toBe(403);
      expect(error.message).toContain(`redirected to ${env.b.url}/bucket/blob?<redacted>`);
      expect(env.lines.some((l) => l.includes('/bucket/blob?<redacted>'))).toBe(true);
    },
  },

  // 4. A tampered blob.
  {
    item: '4',
    name: 'a tampered small blob copied into a real registry: DigestMismatchError from putBlob',
    code: 'DIGEST_MISMATCH',
    run: async (env) => {
      env.a.route({ path: BLOBS, handle: respond(200, { body: TAMPERED }) });
      const dest = new HttpRegistryClient({
        username: regs.basic.username,
        password: regs.basic.password,
        retry: fast,
      });
      const content = await env.client().getBlob(env.image(), TAMPERED_DIGEST);
      await new Promise((resolve) => setTimeout(resolve, 100)); // the small body is read ahead
      await dest.putBlob(`${regs.basic.host}/${copyRepo}`, TAMPERED_DIGEST, content);
    },
    pushed: () =>
      new HttpRegistryClient({
        username: regs.basic.username,
        password: regs.basic.password,
      }).hasBlob(`${regs.basic.host}/${copyRepo}`, TAMPERED_DIGEST),
  },
  {
    item: '4',
    name: 'a tampered blob dripping into a registry that checks no digest: never sent whole',
    code: 'DIGEST_MISMATCH',
    run: async (env) => {
      // Slow and chunked, so every chunk is sent on before the end comes and the digest check
      // fails: only the held-back last chunk keeps the upload from completing.
      const body = randomBytes(256 * 1024);
      env.a.route({
        path: BLOBS,
        handle: drip(body, { chunkBytes: 16 * 1024, everyMs: 15, chunked: true }),
      });
      acceptUploads(env.b); // takes whatever arrives whole
      const content = await env.client().getBlob(env.image(), TAMPERED_DIGEST);
      await env.client().putBlob(`${env.b.host}/ns/dest`, TAMPERED_DIGEST, {
        size: body.length,
        stream: content.stream,
      });
    },
  },
  {
    item: '4',
    name: 'a tampered blob whose stream is consumed late',
    code: 'DIGEST_MISMATCH',
    run: async (env) => {
      env.a.route({ path: BLOBS, handle: respond(200, { body: TAMPERED }) });
      const content = await env.client().getBlob(env.image(), TAMPERED_DIGEST);
      await new Promise((resolve) => setTimeout(resolve, 150));
      return readAll(content.stream);
    },
  },

  // 5. Idle timeouts in both directions.
  {
    item: '5',
    name: 'a blob body that stalls longer than the timeout',
    code: 'TIMEOUT',
    run: async (env) => {
      env.a.route({
        path: BLOBS,
        handle: drip(BLOB, { chunkBytes: 4096, everyMs: 20, stallAfterBytes: 16 * 1024 }),
      });
      const content = await env.client().getBlob(env.image(), BLOB_DIGEST);
      return readAll(content.stream);
    },
    check: (_env, error) => expect((error as RequestTimeoutError).timeoutKind).toBe('attempt'),
  },
  {
    item: '5',
    name: 'a manifest body that stalls longer than the timeout, on every attempt',
    code: 'TIMEOUT',
    run: (env) => {
      env.a.route({
        path: MANIFESTS,
        handle: drip(MANIFEST, { chunkBytes: 10, everyMs: 10, stallAfterBytes: 20 }),
      });
      return env.client().getManifest(env.image());
    },
    check: (env) => expect(env.a.requests).toHaveLength(2),
  },
  {
    item: '5',
    name: 'an upload whose source stalls longer than the timeout',
    code: 'TIMEOUT',
    run: (env) => {
      acceptUploads(env.a);
      return env
        .client()
        .putBlob(env.image(), BLOB_DIGEST, { size: 1024 * 1024, stream: stalledSource() });
    },
    check: (env) => {
      const put = env.a.requests.find((r) => r.method === 'PUT');
      expect(put?.bodyComplete).toBe(false);
    },
  },

  // 6. A connection dropped mid-body.
  {
    item: '6',
    name: 'a manifest connection reset mid-body, on every attempt (retried, then NETWORK_ERROR)',
    code: 'NETWORK_ERROR',
    run: (env) => {
      env.a.route({ path: MANIFESTS, handle: dropMidBody(MANIFEST, 20) });
      return env.client().getManifest(env.image());
    },
    check: (env) => expect(env.a.requests).toHaveLength(2),
  },
  {
    item: '6',
    name: 'a manifest body shorter than its Content-Length',
    code: 'NETWORK_ERROR',
    run: (env) => {
      env.a.route({
        path: MANIFESTS,
        handle: (req, res) => {
          req.resume();
          res.writeHead(200, { 'content-length': String(MANIFEST.length + 100) });
          res.write(MANIFEST);
          res.socket?.end(); // a clean close, 100 bytes early
        },
      });
      return env.client().getManifest(env.image());
    },
  },
  {
    item: '6',
    name: 'a blob stream dropped mid-body',
    code: 'NETWORK_ERROR',
    run: async (env) => {
      env.a.route({ path: BLOBS, handle: dropMidBody(BLOB, 8 * 1024) });
      const content = await env.client().getBlob(env.image(), BLOB_DIGEST);
      return readAll(content.stream);
    },
  },

  // 13. Hosts that pass the grammar but are not URLs.
  ...['127.999.999.999:5000', '1.2.3.4.5:5000', '99999999999:5000', 'localhost:99999'].map(
    (host): Row => ({
      item: '13',
      name: `host ${host}`,
      code: 'INVALID_REFERENCE',
      run: (env) => env.client().getManifest(`${host}/ns/app:v1`),
    }),
  ),

  // 14. Unparsable Location headers.
  ...['http://[::1', 'http://[zz'].map(
    (location): Row => ({
      item: '14',
      name: `a redirect to ${location}`,
      code: 'REGISTRY_ERROR',
      run: (env) => {
        env.a.route({ path: MANIFESTS, handle: badLocation(307, location) });
        return env.client().getManifest(env.image());
      },
      check: (_env, error) => expect((error as RegistryError).status).toBe(307),
    }),
  ),
  {
    item: '14',
    name: 'an upload location http://[zz',
    code: 'REGISTRY_ERROR',
    run: (env) => {
      env.a.route({ method: 'POST', path: UPLOADS, handle: badLocation(202, 'http://[zz') });
      env.a.route({ method: 'PUT', handle: receive(201) });
      return env.client().putBlob(env.image(), BLOB_DIGEST, {
        size: BLOB.length,
        stream: Readable.from([BLOB]),
      });
    },
    check: (env) => expect(env.a.requests.map((r) => r.method)).toEqual(['POST']),
  },

  // 17. Numeric options.
  ...(
    [
      ['timeout', { timeout: Number.NaN }],
      ['timeout', { timeout: -1 }],
      ['timeout', { timeout: 0 }],
      ['timeout', { timeout: 2 ** 31 }],
      ['deadline', { deadline: Number.NaN }],
      ['deadline', { deadline: -5 }],
      ['maxManifestBytes', { maxManifestBytes: 1.5 }],
      ['maxManifestBytes', { maxManifestBytes: Number.POSITIVE_INFINITY }],
      ['retry.retries', { retry: { retries: Number.POSITIVE_INFINITY } }],
      ['retry.baseDelayMs', { retry: { baseDelayMs: -1 } }],
      ['retry.maxDelayMs', { retry: { maxDelayMs: Number.NaN } }],
    ] as [string, HttpRegistryClientOptions][]
  ).map(
    ([option, options]): Row => ({
      item: '17',
      name: `${option}: ${inspect(options)}`,
      code: 'INVALID_OPTION',
      run: async () => new HttpRegistryClient(options),
      check: (_env, error) => {
        expect(error).toBeInstanceOf(InvalidOptionError);
        expect((error as InvalidOptionError).option).toBe(option);
      },
    }),
  ),

  // 18. Huge error bodies.
  {
    item: '18',
    name: 'a PUT answered 400 with a 3 MB error body keeps the 400 and the codes',
    code: 'REGISTRY_ERROR',
    run: (env) => {
      env.a.route({
        method: 'PUT',
        handle: hugeErrorBody(400, 3 * 1024 * 1024, ['MANIFEST_INVALID', 'MANIFEST_BLOB_UNKNOWN']),
      });
      return env.client().putManifest(env.image(), MANIFEST, LIST);
    },
    check: (_env, error) => {
      expect((error as RegistryError).status).toBe(400);
      expect((error as RegistryError).registryCodes).toEqual(
        expect.arrayContaining(['MANIFEST_INVALID', 'MANIFEST_BLOB_UNKNOWN']),
      );
    },
  },
  {
    item: '18',
    name: 'a GET answered 404 with a 3 MB error body is still "not found"',
    code: 'NOT_FOUND',
    run: (env) => {
      env.a.route({
        path: MANIFESTS,
        handle: hugeErrorBody(404, 3 * 1024 * 1024, ['MANIFEST_UNKNOWN']),
      });
      return env.client().getManifest(env.image());
    },
  },

  // 19. Digests by their own algorithm; unknown ones are typed errors.
  {
    item: '19',
    name: 'a docker-content-digest of an unknown algorithm',
    code: 'INVALID_DIGEST',
    reason: 'unsupported-algorithm',
    run: (env) => {
      env.a.route({
        path: MANIFESTS,
        handle: respond(200, {
          headers: { 'content-type': LIST, 'docker-content-digest': `md5:${hex(16)}` },
          body: MANIFEST,
        }),
      });
      return env.client().getManifest(env.image());
    },
  },
  {
    item: '19',
    name: 'a HEAD whose docker-content-digest has an unknown algorithm falls back to a checked GET',
    code: 'INVALID_DIGEST',
    reason: 'unsupported-algorithm',
    run: (env) => {
      const headers = { 'content-type': LIST, 'docker-content-digest': `md5:${hex(16)}` };
      env.a.route({ path: MANIFESTS, handle: respond(200, { headers, body: MANIFEST }) });
      return env.client().headManifest(env.image());
    },
    check: (env) => expect(env.a.requests.map((r) => r.method)).toEqual(['HEAD', 'GET']),
  },
  {
    item: '19',
    name: 'a digest reference of an unknown algorithm sends nothing',
    code: 'INVALID_DIGEST',
    reason: 'unsupported-algorithm',
    run: (env) => env.client().getManifest(`${env.a.host}/ns/app@sha384:${hex(48)}`),
    check: (env) => expect(env.a.requests).toEqual([]),
  },
  ...(
    [
      ['unsupported-algorithm', `sha384:${hex(48)}`],
      ['malformed', '../../../v2/other/manifests/latest'],
      ['malformed', `sha256:${hex(31)}`],
    ] as const
  ).map(
    ([reason, digest]): Row => ({
      item: '19',
      name: `getBlob of ${digest.slice(0, 24)}… sends nothing`,
      code: 'INVALID_DIGEST',
      reason,
      run: (env) => env.client().getBlob(env.image(), digest),
      check: (env) => expect(env.a.requests).toEqual([]),
    }),
  ),
];

const copyRepo = uniqueRepo('hostile-copy');
let a: HostileServer;
let b: HostileServer;
let c: HostileServer;
let lines: string[];

beforeAll(async () => {
  [a, b, c] = await Promise.all([startHostileServer(), startHostileServer(), startHostileServer()]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop(), c?.stop()]);
});
beforeEach(() => {
  for (const server of [a, b, c]) server.reset();
  lines = [];
});

function env(): Env {
  const logger = {
    debug: (m: string) => lines.push(m),
    info: (m: string) => lines.push(m),
    warn: (m: string) => lines.push(m),
    error: (m: string) => lines.push(m),
  };
  return {
    a,
    b,
    c,
    lines,
    client: (extra = {}) =>
      new HttpRegistryClient({
        username: USER,
        password: PASSWORD,
        timeout: TIMEOUT,
        deadline: 10_000,
        retry: fast,
        logger,
        ...extra,
      }),
    image: (tag = 'v1') => `${a.host}/ns/app:${tag}`,
  };
}

/** How a call settled within `ms`: resolved, rejected, or still pending ("hung"). */
async function settle(
  call: () => Promise<unknown>,
  ms: number,
): Promise<{ kind: 'resolved' | 'rejected' | 'hung'; value?: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<{ kind: 'hung' }>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'hung' }), ms);
  });
  try {
    return await Promise.race([
      Promise.resolve()
        .then(call)
        .then(
          (value) => ({ kind: 'resolved' as const, value }),
          (value: unknown) => ({ kind: 'rejected' as const, value }),
        ),
      hung,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe('hostile inputs: a typed error, no secret, no hang, nothing pushed', () => {
  it.each(rows.map((row) => [`${row.item}: ${row.name}`, row] as const))('%s', async (_, row) => {
    const e = env();
    const outcome = await settle(() => row.run(e), HANG_MS);
    expect(outcome.kind, 'the call settles, by rejecting').toBe('rejected');
    const error = outcome.value as Error;
    expect(error).toBeInstanceOf(ManifestListMergerError);
    expect((error as ManifestListMergerError).code).toBe(row.code);
    if (row.reason) expect((error as AuthenticationError).reason).toBe(row.reason);

    const shown = [error.message, JSON.stringify(error), inspect(error, { depth: 10 }), ...e.lines];
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect(
        shown.filter((text) => text.includes(secret)),
        `${name} must not be shown`,
      ).toEqual([]);
    }
    expect([a, b, c].flatMap((server) => server.pushes())).toEqual([]);
    if (row.pushed) expect(await row.pushed(e)).toBe(false);
    await row.check?.(e, error);
  });
});

describe('what a hostile server must not break', () => {
  it('a connection dropped mid-body once is retried, and the bytes are whole', async () => {
    a.route({ path: MANIFESTS, times: 1, handle: dropMidBody(MANIFEST, 20) });
    a.route({
      path: MANIFESTS,
      handle: respond(200, { headers: { 'content-type': LIST }, body: MANIFEST }),
    });
    const fetched = await env().client().getManifest(env().image());
    expect(Buffer.from(fetched.bytes).equals(MANIFEST)).toBe(true);
    expect(a.requests).toHaveLength(2);
  });

  it('a steady blob download slower than the timeout in total (1.5 s, bytes every 50 ms) succeeds', async () => {
    a.route({ path: BLOBS, handle: drip(BLOB, { chunkBytes: 2200, everyMs: 50 }) });
    const content = await env().client().getBlob(env().image(), BLOB_DIGEST);
    expect((await readAll(content.stream)).equals(BLOB)).toBe(true);
  });

  it('a steady manifest download slower than the timeout in total succeeds', async () => {
    a.route({
      path: MANIFESTS,
      handle: drip(MANIFEST, { chunkBytes: 4, everyMs: 50, headers: { 'content-type': LIST } }),
    });
    const fetched = await env().client().getManifest(env().image());
    expect(Buffer.from(fetched.bytes).equals(MANIFEST)).toBe(true);
  });

  it('a stream read later than the timeout is not "idle": only waiting for bytes counts', async () => {
    a.route({ path: BLOBS, handle: respond(200, { body: BLOB }) });
    const content = await env().client().getBlob(env().image(), BLOB_DIGEST);
    await new Promise((resolve) => setTimeout(resolve, TIMEOUT * 2));
    expect((await readAll(content.stream)).equals(BLOB)).toBe(true);
  });

  it('the deadline bounds a transfer that drips just under the idle timeout', async () => {
    a.route({ path: BLOBS, handle: drip(BLOB, { chunkBytes: 1, everyMs: 100 }) });
    const content = await env().client({ deadline: 700 }).getBlob(env().image(), BLOB_DIGEST);
    const error = await readAll(content.stream).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as RequestTimeoutError).timeoutKind).toBe('deadline');
  });

  it('sha512 digests are checked with sha512, for blobs and manifests', async () => {
    const blobDigest = sha('sha512', BLOB);
    const manifestDigest = sha('sha512', MANIFEST);
    a.route({ path: /\/blobs\//, handle: respond(200, { body: BLOB }) });
    a.route({
      path: MANIFESTS,
      handle: respond(200, {
        headers: { 'content-type': LIST, 'docker-content-digest': manifestDigest },
        body: MANIFEST,
      }),
    });
    const client = env().client();
    const content = await client.getBlob(env().image(), blobDigest);
    expect((await readAll(content.stream)).equals(BLOB)).toBe(true);
    const fetched = await client.getManifest(`${a.host}/ns/app@${manifestDigest}`);
    expect(fetched.digest).toBe(manifestDigest);
  });
});
