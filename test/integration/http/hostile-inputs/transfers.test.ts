// Hostile transfers (src/http/body.ts, blobs.ts, manifests.ts): tampered blobs, bodies and
// uploads that stall, connections dropped mid-body, huge error bodies; then what a hostile
// server must not break (steady slow transfers, one dropped connection, sha512), and the
// deadline as the bound of a dripping transfer.
// The rows and their uniform assertions: test/support/hostile-suite.ts.
import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { type RegistryError, RequestTimeoutError } from '../../../../src/errors/index.js';
import { HttpRegistryClient } from '../../../../src/http/http-registry-client.js';
import { drip, dropMidBody, hugeErrorBody, respond } from '../../../support/hostile-server.js';
import {
  acceptUploads,
  BLOB,
  BLOB_DIGEST,
  BLOBS,
  fast,
  hostileRows,
  hostileServers,
  LIST,
  MANIFEST,
  MANIFESTS,
  type Row,
  readAll,
  sha,
  stalledSource,
  TAMPERED,
  TAMPERED_DIGEST,
  TIMEOUT,
} from '../../../support/hostile-suite.js';
import { uniqueRepo } from '../../../support/registry.js';

const regs = inject('registries');
const copyRepo = uniqueRepo('hostile-copy');

const env = hostileServers();

const rows: Row[] = [
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
];

hostileRows(rows, env);

describe('what a hostile server must not break', () => {
  it('a connection dropped mid-body once is retried, and the bytes are whole', async () => {
    const { a } = env();
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
    const { a } = env();
    a.route({ path: BLOBS, handle: drip(BLOB, { chunkBytes: 2200, everyMs: 50 }) });
    const content = await env().client().getBlob(env().image(), BLOB_DIGEST);
    expect((await readAll(content.stream)).equals(BLOB)).toBe(true);
  });

  it('a steady manifest download slower than the timeout in total succeeds', async () => {
    const { a } = env();
    a.route({
      path: MANIFESTS,
      handle: drip(MANIFEST, { chunkBytes: 4, everyMs: 50, headers: { 'content-type': LIST } }),
    });
    const fetched = await env().client().getManifest(env().image());
    expect(Buffer.from(fetched.bytes).equals(MANIFEST)).toBe(true);
  });

  it('a stream read later than the timeout is not "idle": only waiting for bytes counts', async () => {
    const { a } = env();
    a.route({ path: BLOBS, handle: respond(200, { body: BLOB }) });
    const content = await env().client().getBlob(env().image(), BLOB_DIGEST);
    await new Promise((resolve) => setTimeout(resolve, TIMEOUT * 2));
    expect((await readAll(content.stream)).equals(BLOB)).toBe(true);
  });

  it('the deadline bounds a transfer that drips just under the idle timeout', async () => {
    const { a } = env();
    a.route({ path: BLOBS, handle: drip(BLOB, { chunkBytes: 1, everyMs: 100 }) });
    const content = await env().client({ deadline: 700 }).getBlob(env().image(), BLOB_DIGEST);
    const error = await readAll(content.stream).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as RequestTimeoutError).timeoutKind).toBe('deadline');
  });

  it('sha512 digests are checked with sha512, for blobs and manifests', async () => {
    const { a } = env();
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
