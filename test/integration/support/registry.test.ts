// Smoke tests of the test infrastructure itself: registries in each auth mode, the token
// issuer's policy and counters, the fault proxy's faults, and the image pusher.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hostileRealm, startFaultProxy, startOtherOrigin } from '../../support/fault-proxy.js';
import {
  anonymous,
  asUser,
  getManifest,
  listTags,
  MEDIA_TYPES,
  manifestExists,
  mountBlob,
  pushBlob,
  pushImage,
  pushList,
  putManifest,
  sha256,
} from '../../support/images.js';
import {
  isDockerRegistryInstalled,
  MISSING_REGISTRY_MESSAGE,
  startAnonymousRegistry,
  startBasicRegistry,
  startTokenRegistry,
  type TestRegistry,
  type TokenTestRegistry,
  uniqueRepo,
} from '../../support/registry.js';
import type { RegistryInfo } from '../../support/types.js';

function basic(user: string, pass: string): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

function decodeJwt(token: string): {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
} {
  const [h, c] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h!, 'base64url').toString('utf8')),
    claims: JSON.parse(Buffer.from(c!, 'base64url').toString('utf8')),
  };
}

describe('shared registries from the global setup', () => {
  const regs = inject('registries');

  it('provides the three kinds on loopback', () => {
    expect(regs.anonymous.kind).toBe('anonymous');
    expect(regs.basic.kind).toBe('basic');
    expect(regs.token.kind).toBe('token');
    for (const r of [regs.anonymous, regs.basic, regs.token]) {
      expect(r.url).toBe(`http://${r.host}`);
      expect(r.host).toMatch(/^127\.0\.0\.1:\d+$/);
    }
    expect(regs.anonymous.username).toBeUndefined();
    expect(regs.basic.users.alice?.username).toBe('alice');
    expect(regs.basic.users.bob?.username).toBe('bob');
    expect(regs.basic.password).toBe(regs.basic.users.alice?.password);
    expect(regs.token.token?.realm).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/token$/);
  });

  it('anonymous answers /v2/ with 200', async () => {
    const res = await fetch(`${regs.anonymous.url}/v2/`);
    expect(res.status).toBe(200);
  });

  it('basic auth accepts alice and bob, rejects a wrong password', async () => {
    const b = regs.basic;
    const none = await fetch(`${b.url}/v2/`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    for (const u of [b.users.alice!, b.users.bob!]) {
      const ok = await fetch(`${b.url}/v2/`, {
        headers: { authorization: basic(u.username, u.password) },
      });
      expect(ok.status).toBe(200);
    }
    const bad = await fetch(`${b.url}/v2/`, {
      headers: { authorization: basic('alice', 'wrong') },
    });
    expect(bad.status).toBe(401);
  });

  it('token auth challenges with our realm and service', async () => {
    const t = regs.token;
    const res = await fetch(`${t.url}/v2/`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer realm="${t.token!.realm}",service="${t.token!.service}"`,
    );
  });

  it.each(['anonymous', 'basic', 'token'] as const)(
    'pushes and reads back lists on %s',
    async (kind) => {
      const reg: RegistryInfo = regs[kind];
      const repo = uniqueRepo();
      const docker = await pushList(reg, repo, 'docker', {
        platforms: ['linux/amd64', 'linux/arm/v7'],
      });
      expect(docker.mediaType).toBe(MEDIA_TYPES.dockerList);
      expect(docker.entries.map((e) => e.platform)).toEqual([
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm', variant: 'v7' },
      ]);
      const oci = await pushList(reg, repo, 'oci', {
        format: 'oci',
        platforms: ['linux/arm64'],
        attestations: true,
      });
      expect(oci.entries).toHaveLength(2);
      expect(oci.entries[1]).toMatchObject({
        platform: { os: 'unknown', architecture: 'unknown' },
        annotations: {
          'vnd.docker.reference.type': 'attestation-manifest',
          'vnd.docker.reference.digest': oci.images[0]!.digest,
        },
      });
      for (const [tag, pushed] of [
        ['docker', docker],
        ['oci', oci],
      ] as const) {
        const got = await getManifest(reg, repo, tag);
        expect(got.bytes.equals(pushed.bytes)).toBe(true);
        expect(got.digest).toBe(pushed.digest);
        expect(got.headerDigest).toBe(pushed.digest);
        expect(got.contentType).toBe(pushed.mediaType);
      }
      expect((await listTags(reg, repo)).sort()).toEqual(['docker', 'oci']);
      expect(await manifestExists(reg, repo, docker.images[1]!.digest)).toBe(true);
      expect(await manifestExists(reg, repo, 'nope')).toBe(false);
      expect(await listTags(reg, uniqueRepo('absent'))).toEqual([]);
    },
  );

  it('rejects a list whose children are not in the repository (MANIFEST_BLOB_UNKNOWN)', async () => {
    const reg = regs.basic;
    const repo = uniqueRepo();
    const src = await pushList(reg, `${repo}-src`, 'v1', {
      platforms: ['linux/amd64', 'linux/s390x'],
    });
    const res = await putManifest(reg, repo, 'v1', src.bytes, src.mediaType);
    expect(res.status).toBe(400);
    expect(res.errors.map((e) => e.code)).toEqual([
      'MANIFEST_BLOB_UNKNOWN',
      'MANIFEST_BLOB_UNKNOWN',
    ]);
    // Once the children are there (mounted blobs + manifests by digest), it is accepted.
    for (const img of src.images) {
      for (const d of [img.config, ...img.layers]) {
        expect(await mountBlob(reg, repo, src.repo, d.digest)).toBe(201);
      }
      expect((await putManifest(reg, repo, img.digest, img.bytes, img.mediaType)).status).toBe(201);
    }
    const ok = await putManifest(reg, repo, 'v1', src.bytes, src.mediaType);
    expect(ok.status).toBe(201);
    expect(ok.digest).toBe(src.digest);
  });
});

describe('a token registry of our own', () => {
  let reg: TokenTestRegistry;
  beforeAll(async () => {
    reg = await startTokenRegistry();
  });
  afterAll(async () => {
    await reg?.stop();
  });

  async function tokenFor(scopes: string[], auth?: string, extra = ''): Promise<Response> {
    const q = new URLSearchParams({ service: reg.issuer.service });
    for (const s of scopes) q.append('scope', s);
    return fetch(`${reg.issuer.realm}?${q}${extra}`, {
      headers: auth ? { authorization: auth } : {},
    });
  }

  it('issues RS256 JWTs with x5c and the expected claims', async () => {
    const res = await tokenFor(
      ['repository:a/b:pull,push'],
      basic('alice', reg.users.alice!.password),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body['token']).toBe(body['access_token']);
    expect(body['expires_in']).toBe(300);
    expect(typeof body['issued_at']).toBe('string');
    const { header, claims } = decodeJwt(body['token'] as string);
    expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(header['x5c']).toHaveLength(1);
    expect(claims).toMatchObject({
      iss: reg.issuer.issuer,
      sub: 'alice',
      aud: reg.issuer.service,
      access: [{ type: 'repository', name: 'a/b', actions: ['pull', 'push'] }],
    });
    for (const k of ['exp', 'nbf', 'iat', 'jti']) expect(claims[k]).toBeDefined();
  });

  it('applies the policy: alice pushes, bob pulls, anonymous pulls public/ only', async () => {
    const repo = uniqueRepo();
    const pushed = await pushImage(reg, repo, { platform: 'linux/amd64', tag: 'v1' });
    const publicRepo = uniqueRepo('public');
    await pushImage(reg, publicRepo, { platform: 'linux/amd64', tag: 'v1' });

    const bob = asUser(reg, reg.users.bob!);
    expect((await getManifest(bob, repo, 'v1')).digest).toBe(pushed.digest);
    const bobPush = await putManifest(bob, repo, 'v2', pushed.bytes, pushed.mediaType);
    expect(bobPush.status).toBe(401);
    expect(bobPush.errors[0]?.code).toBe('UNAUTHORIZED');

    const anon = anonymous(reg);
    expect(await manifestExists(anon, publicRepo, 'v1')).toBe(true);
    await expect(manifestExists(anon, repo, 'v1')).rejects.toThrow(/HTTP 401/);

    const bobToken = await tokenFor(
      [`repository:${repo}:pull,push`],
      basic('bob', reg.users.bob!.password),
    );
    const { claims } = decodeJwt(((await bobToken.json()) as { token: string }).token);
    expect(claims['access']).toEqual([{ type: 'repository', name: repo, actions: ['pull'] }]);

    const wrong = await tokenFor([`repository:${repo}:pull`], basic('alice', 'wrong'));
    expect(wrong.status).toBe(401);
    const unknown = await tokenFor([`repository:${repo}:pull`], basic('mallory', 'x'));
    expect(unknown.status).toBe(401);
  });

  it('counts GET and POST requests per scope, and resets', async () => {
    reg.issuer.resetCounts();
    const alice = basic('alice', reg.users.alice!.password);
    await (await tokenFor(['repository:x/y:pull', 'repository:x/z:pull'], alice)).arrayBuffer();
    await (await tokenFor(['repository:x/y:pull'])).arrayBuffer();
    const post = await fetch(reg.issuer.realm, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        username: 'alice',
        password: reg.users.alice!.password,
        service: reg.issuer.service,
        scope: 'repository:x/y:pull repository:x/y:push',
      }).toString(),
    });
    expect(post.status).toBe(200);
    expect(reg.issuer.counts).toEqual({
      get: 2,
      post: 1,
      total: 3,
      byScope: { 'repository:x/y:pull': 3, 'repository:x/z:pull': 1, 'repository:x/y:push': 1 },
    });
    expect(reg.issuer.requests.map((r) => [r.method, r.subject, r.status])).toEqual([
      ['GET', 'alice', 200],
      ['GET', undefined, 200],
      ['POST', 'alice', 200],
    ]);
    reg.issuer.resetCounts();
    expect(reg.issuer.counts.total).toBe(0);
    expect(reg.issuer.requests).toEqual([]);
  });

  it('issues refresh tokens and accepts them back by POST', async () => {
    const viaGet = await tokenFor(
      ['repository:r/s:pull'],
      basic('alice', reg.users.alice!.password),
      '&offline_token=true&client_id=test',
    );
    const refresh = ((await viaGet.json()) as { refresh_token?: string }).refresh_token;
    expect(refresh).toMatch(/^rt-/);
    const form = (f: Record<string, string>): RequestInit => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(f).toString(),
    });
    const exchanged = await fetch(
      reg.issuer.realm,
      form({
        grant_type: 'refresh_token',
        refresh_token: refresh!,
        service: reg.issuer.service,
        scope: 'repository:r/s:pull',
      }),
    );
    expect(exchanged.status).toBe(200);
    const body = (await exchanged.json()) as { access_token: string };
    expect(decodeJwt(body.access_token).claims['sub']).toBe('alice');

    const offline = await fetch(
      reg.issuer.realm,
      form({
        grant_type: 'password',
        username: 'bob',
        password: reg.users.bob!.password,
        access_type: 'offline',
        service: reg.issuer.service,
      }),
    );
    expect(((await offline.json()) as { refresh_token?: string }).refresh_token).toMatch(/^rt-/);

    const identity = reg.issuer.issueRefreshToken('bob');
    const fromIdentity = await fetch(
      reg.issuer.realm,
      form({ grant_type: 'refresh_token', refresh_token: identity, service: reg.issuer.service }),
    );
    expect(fromIdentity.status).toBe(200);
    const bad = await fetch(
      reg.issuer.realm,
      form({ grant_type: 'refresh_token', refresh_token: 'rt-nope' }),
    );
    expect(bad.status).toBe(401);
  });

  it('fails the next n requests on demand and honours expiresIn', async () => {
    reg.issuer.failNext(2, 500);
    expect((await tokenFor(['repository:q/q:pull'])).status).toBe(500);
    expect((await tokenFor(['repository:q/q:pull'])).status).toBe(500);
    expect((await tokenFor(['repository:q/q:pull'])).status).toBe(200);
    reg.issuer.expiresIn = 2;
    const body = (await (await tokenFor(['repository:q/q:pull'])).json()) as {
      expires_in: number;
      token: string;
    };
    expect(body.expires_in).toBe(2);
    const { claims } = decodeJwt(body.token);
    expect((claims['exp'] as number) - (claims['iat'] as number)).toBe(2);
    reg.issuer.expiresIn = 300;
  });
});

describe('a basic registry of our own', () => {
  let reg: TestRegistry;
  beforeAll(async () => {
    reg = await startBasicRegistry({ users: { carol: 'c-password' } });
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('uses the given users', async () => {
    expect(reg.username).toBe('carol');
    expect(reg.users).toEqual({});
    const ok = await fetch(`${reg.url}/v2/`, {
      headers: { authorization: basic('carol', 'c-password') },
    });
    expect(ok.status).toBe(200);
    const img = await pushImage(reg, uniqueRepo(), { platform: 'linux/ppc64le', format: 'oci' });
    expect(img.mediaType).toBe(MEDIA_TYPES.ociManifest);
  });
});

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

describe('startup errors', () => {
  async function withPath<T>(dir: string, fn: () => Promise<T>): Promise<T> {
    const saved = process.env['PATH'];
    process.env['PATH'] = dir;
    try {
      return await fn();
    } finally {
      process.env['PATH'] = saved;
    }
  }

  it('says how to install docker-registry when it is missing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'mlm-empty-path-'));
    try {
      await withPath(empty, async () => {
        expect(isDockerRegistryInstalled()).toBe(false);
        await expect(startAnonymousRegistry()).rejects.toThrow(MISSING_REGISTRY_MESSAGE);
      });
      expect(MISSING_REGISTRY_MESSAGE).toBe(
        "docker-registry is missing: install it with 'apt-get update && apt-get install -y docker-registry' (Debian/Ubuntu)",
      );
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('surfaces the output of a registry that dies at startup', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlm-fake-registry-'));
    try {
      const fake = join(dir, 'docker-registry');
      await writeFile(fake, '#!/bin/sh\necho "configuration error: boom" >&2\nexit 3\n', {
        mode: 0o755,
      });
      await withPath(`${dir}${delimiter}${process.env['PATH']}`, async () => {
        await expect(startBasicRegistry()).rejects.toThrow(
          /exited \(code 3\)[\s\S]*configuration error: boom/,
        );
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
