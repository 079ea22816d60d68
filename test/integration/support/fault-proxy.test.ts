import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileRealm, startFaultProxy, startOtherOrigin } from '../../support/fault-proxy.js';
import { getManifest, MEDIA_TYPES, pushBlob, pushList, sha256 } from '../../support/images.js';
import {
  startAnonymousRegistry,
  startBasicRegistry,
  type TestRegistry,
  uniqueRepo,
} from '../../support/registry.js';

describe('the fault proxy', () => {
  let reg: TestRegistry;
  let repo: string;
  let list: Awaited<ReturnType<typeof pushList>>;
  beforeAll(async () => {
    reg = await startAnonymousRegistry();
    repo = uniqueRepo();
    list = await pushList(reg, repo, 'v1', { platforms: ['linux/amd64', 'linux/arm64'] });
  });
  afterAll(async () => {
    await reg?.stop();
  });

  async function withProxy(
    fn: (p: Awaited<ReturnType<typeof startFaultProxy>>) => Promise<void>,
  ): Promise<void> {
    const proxy = await startFaultProxy(reg);
    try {
      await fn(proxy);
    } finally {
      await proxy.stop();
    }
  }

  it('forwards requests, rewrites upload Locations, and logs without secrets', () =>
    withProxy(async (proxy) => {
      const via = { url: proxy.url };
      expect((await getManifest(via, repo, 'v1')).digest).toBe(list.digest);
      const blob = await pushBlob(via, `${repo}-copy`, Buffer.from('hello through the proxy'));
      expect(blob.digest).toBe(sha256('hello through the proxy'));
      const methods = proxy.log.map((e) => `${e.method} ${e.status}`);
      expect(methods).toEqual(['GET 200', 'HEAD 404', 'POST 202', 'PUT 201']);
      expect(proxy.log[3]!.query).toMatch(/digest=sha256/);
      await fetch(`${proxy.url}/v2/`, { headers: { authorization: 'Bearer s3cr3t' } });
      expect(proxy.log.at(-1)).toMatchObject({ path: '/v2/', hasAuthorization: true, status: 200 });
      expect(JSON.stringify(proxy.log)).not.toContain('s3cr3t');
      proxy.clearLog();
      expect(proxy.log).toEqual([]);
    }));

  it('answers 429 with Retry-After, then 503 twice, then forwards', () =>
    withProxy(async (proxy) => {
      const path = new RegExp(`^/v2/${repo}/manifests/`);
      const r429 = proxy.addFault({
        method: 'GET',
        path,
        action: 'respond',
        status: 429,
        headers: { 'retry-after': '1' },
      });
      const r503 = proxy.addFault({
        method: 'GET',
        path,
        action: 'respond',
        status: 503,
        times: 2,
      });
      const url = `${proxy.url}/v2/${repo}/manifests/v1`;
      const headers = { accept: MEDIA_TYPES.dockerList };
      const first = await fetch(url, { headers });
      expect(first.status).toBe(429);
      expect(first.headers.get('retry-after')).toBe('1');
      expect((await fetch(url, { headers })).status).toBe(503);
      expect((await fetch(url, { headers })).status).toBe(503);
      expect((await fetch(url, { method: 'HEAD', headers })).status).toBe(200);
      expect((await fetch(url, { headers })).status).toBe(200);
      expect([r429.hits, r503.hits, r503.remaining]).toEqual([1, 2, 0]);
      expect(proxy.log.map((e) => e.fault ?? '-')).toEqual([
        'respond',
        'respond',
        'respond',
        '-',
        '-',
      ]);
    }));

  it('resets the connection', () =>
    withProxy(async (proxy) => {
      proxy.addFault({ action: 'reset' });
      await expect(fetch(`${proxy.url}/v2/`)).rejects.toThrow();
      expect((await fetch(`${proxy.url}/v2/`)).status).toBe(200);
    }));

  it('stalls until the client gives up, and stop() frees the socket', () =>
    withProxy(async (proxy) => {
      proxy.addFault({ action: 'stall', times: 2 });
      const started = Date.now();
      await expect(fetch(`${proxy.url}/v2/`, { signal: AbortSignal.timeout(300) })).rejects.toThrow(
        /abort|timeout/i,
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      // A second stalled request left open: stop() must not hang on it.
      const pending = fetch(`${proxy.url}/v2/`).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 50));
      await proxy.stop();
      expect(await pending).toBeInstanceOf(Error);
    }));

  it('replaces a body so it no longer matches docker-content-digest', () =>
    withProxy(async (proxy) => {
      proxy.addFault({ method: 'GET', path: /\/manifests\//, action: 'replace-body' });
      const res = await fetch(`${proxy.url}/v2/${repo}/manifests/v1`, {
        headers: { accept: MEDIA_TYPES.dockerList },
      });
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(res.headers.get('docker-content-digest')).toBe(list.digest);
      expect(sha256(bytes)).not.toBe(list.digest);
      expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
    }));

  it('redirects to another origin that records whether Authorization arrived', async () => {
    const other = await startOtherOrigin({ upstream: reg.url });
    try {
      await withProxy(async (proxy) => {
        const blob = list.images[0]!.layers[0]!;
        proxy.addFault({
          method: 'GET',
          path: /\/blobs\//,
          action: 'redirect',
          to: other.url,
          times: 2,
        });
        const url = `${proxy.url}/v2/${repo}/blobs/${blob.digest}`;
        const followed = await fetch(url); // fetch drops Authorization across origins itself
        expect(followed.status).toBe(200);
        expect(sha256(Buffer.from(await followed.arrayBuffer()))).toBe(blob.digest);
        const manual = await fetch(url, { redirect: 'manual' });
        expect(manual.status).toBe(302);
        expect(manual.headers.get('location')).toBe(`${other.url}/v2/${repo}/blobs/${blob.digest}`);
        const leaked = await fetch(manual.headers.get('location')!, {
          headers: { authorization: 'Bearer x' },
        });
        expect(leaked.status).toBe(400);
        expect(other.requests.map((r) => r.hasAuthorization)).toEqual([false, true]);
      });
    } finally {
      await other.stop();
    }
  });

  it('rewrites WWW-Authenticate (hostile realm)', async () => {
    const basicReg = await startBasicRegistry();
    try {
      const proxy = await startFaultProxy(basicReg);
      try {
        const realm = hostileRealm(4444);
        proxy.addFault({
          action: 'rewrite-www-authenticate',
          value: (orig) => `Bearer realm="${realm}",service="x",was="${orig?.split(' ')[0]}"`,
        });
        const res = await fetch(`${proxy.url}/v2/`);
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe(
          'Bearer realm="http://evil.example.test:4444/token",service="x",was="Basic"',
        );
        const after = await fetch(`${proxy.url}/v2/`);
        expect(after.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      } finally {
        await proxy.stop();
      }
    } finally {
      await basicReg.stop();
    }
  });

  it('delays a request', () =>
    withProxy(async (proxy) => {
      proxy.addFault({ action: 'delay', ms: 200 });
      const t0 = Date.now();
      expect((await fetch(`${proxy.url}/v2/`)).status).toBe(200);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(180);
    }));
});
