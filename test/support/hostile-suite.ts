// The standing hostile-input suite of HttpRegistryClient (issue 9), shared by the files of
// test/integration/http/hostile-inputs/. Each row is one hostile case: a misbehaving registry,
// redirect target or token realm (./hostile-server.ts), a hostile option or reference.
// hostileRows() asserts the same for every row:
//   - the call settles (no hang) and rejects with a ManifestListMergerError of the row's code;
//   - no secret the client holds (password, base64 user:pass, bearer JWT, identity and
//     refresh tokens, a presigned URL's signature) is in its message, toJSON, util.inspect or
//     any log line;
//   - nothing was pushed.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AuthenticationError, ManifestListMergerError } from '../../src/errors/index.js';
import { HttpRegistryClient } from '../../src/http/http-registry-client.js';
import type { HttpRegistryClientOptions } from '../../src/http/options.js';
import { type HostileServer, receive, respond, startHostileServer } from './hostile-server.js';

// --- The client's secrets ---------------------------------------------------------------
export const hex = (n: number) => randomBytes(n).toString('hex');
const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');
export const USER = 'alice';
export const PASSWORD = `pw-${hex(8)}`;
export const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
export const JWT = `${b64url('{"alg":"RS256","typ":"JWT"}')}.${b64url(`{"sub":"alice","jti":"${hex(6)}"}`)}.${b64url(randomBytes(32))}`;
export const IDENTITY = `identity-${hex(8)}`;
export const REFRESH = `refresh-${hex(8)}`;
export const SIGNATURE = hex(32);
export const ACCESS_KEY = `AKIA${hex(6).toUpperCase()}`;
const SECRETS = { PASSWORD, BASIC, JWT, IDENTITY, REFRESH, SIGNATURE, ACCESS_KEY };

// --- What the hostile registry serves ---------------------------------------------------
export const LIST = 'application/vnd.oci.image.index.v1+json';
export const MANIFEST = Buffer.from(
  JSON.stringify({ schemaVersion: 2, mediaType: LIST, manifests: [] }),
);
export const sha = (algorithm: 'sha256' | 'sha512', bytes: Buffer) =>
  `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
export const BLOB = randomBytes(64 * 1024);
export const BLOB_DIGEST = sha('sha256', BLOB);
export const TAMPERED = randomBytes(1024);
export const TAMPERED_DIGEST = sha('sha256', randomBytes(1024)); // what the tampered bytes claim to be
export const MANIFESTS = /\/manifests\//;
export const BLOBS = /\/blobs\/(sha|md5)/;
export const UPLOADS = /\/blobs\/uploads\/$/;

export const TIMEOUT = 300;
const HANG_MS = 5_000;
export const fast = { retries: 1, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 5 };

export interface Env {
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

export interface Row {
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

export async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** A blob source that sends one chunk, then nothing, ever (until destroyed). */
export function stalledSource(): Readable {
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
export function acceptUploads(server: HostileServer): void {
  server.route({
    method: 'POST',
    path: UPLOADS,
    handle: respond(202, { headers: { location: '/upload/1' } }),
  });
  server.route({ method: 'PUT', handle: receive(201) });
}

export const bearerRealm = (env: Env) => `Bearer realm="${env.c.url}/token",service="hostile"`;

/**
 * Three hostile servers for the file (started in `beforeAll`, reset before each test, stopped in
 * `afterAll`); returns `env()`, what a row or test runs against. Call it once, at the top level.
 */
export function hostileServers(): () => Env {
  let a: HostileServer;
  let b: HostileServer;
  let c: HostileServer;
  let lines: string[] = [];
  beforeAll(async () => {
    [a, b, c] = await Promise.all([
      startHostileServer(),
      startHostileServer(),
      startHostileServer(),
    ]);
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
  return env;
}

/** How a call settled within `ms`: resolved, rejected, or still pending ("hung"). */
async function settleWithin(
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

/** One test per row, each with the uniform assertions of this suite (see the top of the file). */
export function hostileRows(rows: Row[], env: () => Env): void {
  describe('hostile inputs: a typed error, no secret, no hang, nothing pushed', () => {
    it.each(rows.map((row) => [`${row.item}: ${row.name}`, row] as const))('%s', async (_, row) => {
      const e = env();
      const outcome = await settleWithin(() => row.run(e), HANG_MS);
      expect(outcome.kind, 'the call settles, by rejecting').toBe('rejected');
      const error = outcome.value as Error;
      expect(error).toBeInstanceOf(ManifestListMergerError);
      expect((error as ManifestListMergerError).code).toBe(row.code);
      if (row.reason) expect((error as AuthenticationError).reason).toBe(row.reason);

      const shown = [
        error.message,
        JSON.stringify(error),
        inspect(error, { depth: 10 }),
        ...e.lines,
      ];
      for (const [name, secret] of Object.entries(SECRETS)) {
        expect(
          shown.filter((text) => text.includes(secret)),
          `${name} must not be shown`,
        ).toEqual([]);
      }
      expect([e.a, e.b, e.c].flatMap((server) => server.pushes())).toEqual([]);
      if (row.pushed) expect(await row.pushed(e)).toBe(false);
      await row.check?.(e, error);
    });
  });
}
