// HttpRegistryClient's blob methods on real registries: existence, cross-repository mount,
// streamed copy across registries, digest checks while streaming (a tampered blob never
// crashes and is never pushed), a storage redirect, and the upload's idle timeout.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  DigestMismatchError,
  RegistryError,
  RequestAbortedError,
  RequestTimeoutError,
} from '../../../src/errors/index.js';
import { HttpRegistryClient } from '../../../src/http/http-registry-client.js';
import type { RequestEvent } from '../../../src/http/request-event.js';
import {
  type FaultProxy,
  type OtherOrigin,
  startFaultProxy,
  startOtherOrigin,
} from '../../support/fault-proxy.js';
import { pushBlob, sha256 } from '../../support/images.js';
import { startTokenRegistry, type TokenTestRegistry, uniqueRepo } from '../../support/registry.js';

const regs = inject('registries');
const fast = {
  retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 50 },
  timeout: 5_000,
};

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

let reg: TokenTestRegistry;
beforeAll(async () => {
  reg = await startTokenRegistry();
});
afterAll(async () => {
  await reg?.stop();
});

describe('blobs under token auth', () => {
  it('hasBlob answers true for a pushed blob and false for another digest or a missing repository', async () => {
    const repo = uniqueRepo();
    const blob = await pushBlob(reg, repo);
    const client = new HttpRegistryClient({
      username: reg.username,
      password: reg.password,
      ...fast,
    });
    expect(await client.hasBlob(`${reg.host}/${repo}`, blob.digest)).toBe(true);
    expect(await client.hasBlob(`${reg.host}/${repo}`, sha256('nothing'))).toBe(false);
    expect(await client.hasBlob(`${reg.host}/${uniqueRepo('absent')}`, blob.digest)).toBe(false);
  });

  it('mounts a blob across repositories with one token for both scopes', async () => {
    const src = uniqueRepo();
    const dest = uniqueRepo();
    const blob = await pushBlob(reg, src);
    const client = new HttpRegistryClient({
      username: reg.username,
      password: reg.password,
      ...fast,
    });
    reg.issuer.resetCounts();
    expect(
      await client.mountBlob(`${reg.host}/${dest}`, blob.digest, `${reg.host}/${src}:v1`),
    ).toBe(true);
    expect(reg.issuer.requests).toHaveLength(1);
    expect(reg.issuer.requests[0]?.scopes.sort()).toEqual(
      [`repository:${dest}:pull,push`, `repository:${src}:pull`].sort(),
    );
    expect(await client.hasBlob(`${reg.host}/${dest}`, blob.digest)).toBe(true);
  });

  it('a refused mount (unknown blob) answers false', async () => {
    const client = new HttpRegistryClient({
      username: reg.username,
      password: reg.password,
      ...fast,
    });
    expect(
      await client.mountBlob(
        `${reg.host}/${uniqueRepo()}`,
        sha256('absent'),
        `${reg.host}/${uniqueRepo()}`,
      ),
    ).toBe(false);
  });

  it('does not try to mount across registries', async () => {
    const events: RequestEvent[] = [];
    const client = new HttpRegistryClient({ ...fast, onRequest: (e) => events.push(e) });
    expect(await client.mountBlob(`${reg.host}/a`, sha256('x'), `${regs.anonymous.host}/b`)).toBe(
      false,
    );
    expect(events).toHaveLength(0);
  });

  it('streams a blob from one registry into another, bytes intact', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const srcRepo = uniqueRepo();
    const destRepo = uniqueRepo();
    const blob = await pushBlob(regs.anonymous, srcRepo, bytes);
    const source = new HttpRegistryClient(fast);
    const dest = new HttpRegistryClient({
      username: reg.username,
      password: reg.password,
      ...fast,
    });
    const content = await source.getBlob(`${regs.anonymous.host}/${srcRepo}`, blob.digest);
    expect(content.size).toBe(bytes.length);
    await dest.putBlob(`${reg.host}/${destRepo}`, blob.digest, content);
    expect(await dest.hasBlob(`${reg.host}/${destRepo}`, blob.digest)).toBe(true);
    const back = await dest.getBlob(`${reg.host}/${destRepo}`, blob.digest);
    expect((await readAll(back.stream)).equals(bytes)).toBe(true);
  });

  it('putBlob with bytes that do not match the digest is refused by the registry', async () => {
    const client = new HttpRegistryClient({
      username: reg.username,
      password: reg.password,
      ...fast,
    });
    const bytes = Buffer.from('some bytes');
    const error = await client
      .putBlob(`${reg.host}/${uniqueRepo()}`, sha256('other bytes'), {
        size: bytes.length,
        stream: [bytes] as never,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).status).toBe(400);
    expect((error as RegistryError).registryCodes).toContain('DIGEST_INVALID');
  });
});

describe('blobs through the fault proxy', () => {
  let proxy: FaultProxy;
  let other: OtherOrigin;
  let repo: string;
  let bytes: Buffer;
  let digest: string;

  beforeAll(async () => {
    proxy = await startFaultProxy(regs.basic);
    other = await startOtherOrigin({
      upstream: regs.basic.url,
      upstreamHeaders: {
        authorization: `Basic ${Buffer.from(`${regs.basic.username}:${regs.basic.password}`).toString('base64')}`,
      },
    });
    repo = uniqueRepo();
    bytes = randomBytes(100_000);
    digest = (await pushBlob(regs.basic, repo, bytes)).digest;
  });
  afterAll(async () => {
    await proxy?.stop();
    await other?.stop();
  });

  const client = () =>
    new HttpRegistryClient({
      username: regs.basic.username,
      password: regs.basic.password,
      ...fast,
    });

  it('fails the stream with DigestMismatchError when the bytes are not the digest', async () => {
    const c = client();
    expect(await c.hasBlob(`${proxy.host}/${repo}`, digest)).toBe(true); // learn the challenge
    proxy.addFault({
      method: 'GET',
      path: /\/blobs\//,
      action: 'replace-body',
      body: randomBytes(100_000),
    });
    const content = await c.getBlob(`${proxy.host}/${repo}`, digest);
    await expect(readAll(content.stream)).rejects.toBeInstanceOf(DigestMismatchError);
  });

  it('follows a storage redirect to another origin without Authorization', async () => {
    const c = client();
    expect(await c.hasBlob(`${proxy.host}/${repo}`, digest)).toBe(true); // learn the challenge
    proxy.clearLog();
    proxy.addFault({
      method: 'GET',
      path: /\/blobs\//,
      action: 'redirect',
      to: other.url,
      status: 307,
    });
    const content = await c.getBlob(`${proxy.host}/${repo}`, digest);
    expect((await readAll(content.stream)).equals(bytes)).toBe(true);
    expect(proxy.log[0]?.hasAuthorization).toBe(true);
    expect(other.requests.length).toBeGreaterThan(0);
    expect(other.requests.every((r) => !r.hasAuthorization)).toBe(true);
  });

  it('retries a 503 before the blob stream starts', async () => {
    const c = client();
    proxy.addFault({ method: 'GET', path: /\/blobs\//, action: 'respond', status: 503, times: 2 });
    const content = await c.getBlob(`${proxy.host}/${repo}`, digest);
    expect((await readAll(content.stream)).equals(bytes)).toBe(true);
  });

  it('an AbortSignal stops a blob stream', async () => {
    const c = client();
    proxy.addFault({ method: 'GET', path: /\/blobs\//, action: 'delay', ms: 0 });
    const controller = new AbortController();
    const content = await c.getBlob(`${proxy.host}/${repo}`, digest, { signal: controller.signal });
    controller.abort();
    await expect(readAll(content.stream)).rejects.toBeInstanceOf(RequestAbortedError);
  });
});

describe('a tampered blob across two registries', () => {
  let proxy: FaultProxy;
  let srcRepo: string;
  beforeAll(async () => {
    proxy = await startFaultProxy(regs.anonymous);
    srcRepo = uniqueRepo();
  });
  afterAll(async () => {
    await proxy?.stop();
  });
  const dest = () =>
    new HttpRegistryClient({ username: reg.username, password: reg.password, ...fast });

  it.each([
    ['small tampered blob, read ahead while the upload starts', 512],
    ['large tampered blob, streamed straight into the upload', 2 * 1024 * 1024],
  ])(
    'a %s: putBlob rejects with DigestMismatchError, nothing is pushed, nothing crashes',
    async (_, size) => {
      const blob = await pushBlob(regs.anonymous, srcRepo, randomBytes(size));
      const destRepo = uniqueRepo();
      proxy.addFault({
        method: 'GET',
        path: /\/blobs\//,
        action: 'replace-body',
        body: randomBytes(size),
      });
      const content = await new HttpRegistryClient(fast).getBlob(
        `${proxy.host}/${srcRepo}`,
        blob.digest,
      );
      const error = await dest()
        .putBlob(`${reg.host}/${destRepo}`, blob.digest, content)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DigestMismatchError);
      expect((error as DigestMismatchError).expected).toBe(blob.digest);
      expect(await dest().hasBlob(`${reg.host}/${destRepo}`, blob.digest)).toBe(false);
    },
  );
});

describe("uploads: the timeout is an idle timeout, not the transfer's duration", () => {
  /** `chunks` chunks of `chunkBytes`, one every `everyMs`; then stalls forever if `stall`. */
  function throttled(chunks: Buffer[], everyMs: number, stall = false): Readable {
    let next = 0;
    return new Readable({
      read() {
        if (next >= chunks.length) {
          if (!stall) this.push(null);
          return;
        }
        const chunk = chunks[next++];
        setTimeout(() => this.push(chunk), everyMs);
      },
    });
  }
  const client = () =>
    new HttpRegistryClient({
      username: reg.username,
      password: reg.password,
      ...fast,
      timeout: 300,
    });

  it('a steady upload of 1.5 s (a chunk every 50 ms) with a 300 ms timeout succeeds', async () => {
    const chunks = Array.from({ length: 30 }, () => randomBytes(32 * 1024));
    const bytes = Buffer.concat(chunks);
    const digest = sha256(bytes);
    const repo = uniqueRepo();
    await client().putBlob(`${reg.host}/${repo}`, digest, {
      size: bytes.length,
      stream: throttled(chunks, 50),
    });
    expect(await client().hasBlob(`${reg.host}/${repo}`, digest)).toBe(true);
  });

  it('an upload whose source stalls for more than the timeout → RequestTimeoutError, nothing pushed', async () => {
    const chunks = Array.from({ length: 4 }, () => randomBytes(32 * 1024));
    const digest = sha256(Buffer.concat([...chunks, randomBytes(1024)]));
    const repo = uniqueRepo();
    const error = await client()
      .putBlob(`${reg.host}/${repo}`, digest, {
        size: 5 * 32 * 1024,
        stream: throttled(chunks, 20, true),
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as RequestTimeoutError).timeoutKind).toBe('attempt');
    expect(await client().hasBlob(`${reg.host}/${repo}`, digest)).toBe(false);
  });
});
