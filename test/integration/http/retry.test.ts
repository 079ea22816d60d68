// HttpRegistryClient through the test suite's fault proxy: retries (429 + Retry-After in both
// forms, 503, reset, stall), timeouts, deadline and abort, corrupt bodies, redirects to another
// origin, a hostile plain-HTTP realm, and one re-authentication on a refused token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  DigestMismatchError,
  RegistryError,
  RequestAbortedError,
  RequestTimeoutError,
} from '../../../src/errors/index.js';
import { HttpRegistryClient } from '../../../src/http/http-registry-client.js';
import type { HttpRegistryClientOptions } from '../../../src/http/options.js';
import type { RequestEvent } from '../../../src/http/request-event.js';
import { isNotFoundError } from '../../../src/registry/client.js';
import {
  type FaultProxy,
  hostileRealm,
  type OtherOrigin,
  startFaultProxy,
  startOtherOrigin,
} from '../../support/fault-proxy.js';
import { type PushedList, pushList } from '../../support/images.js';
import {
  startBasicRegistry,
  startTokenRegistry,
  type TestRegistry,
  type TokenTestRegistry,
  uniqueRepo,
} from '../../support/registry.js';

const MANIFESTS = /\/manifests\//;
const fastRetry = { retries: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 50 };

let reg: TokenTestRegistry;
let proxy: FaultProxy;
let repo: string;
let list: PushedList;

beforeAll(async () => {
  reg = await startTokenRegistry();
  proxy = await startFaultProxy(reg);
  repo = uniqueRepo();
  list = await pushList(reg, repo, 'v1', { platforms: ['linux/amd64', 'linux/arm64'] });
});
afterAll(async () => {
  await proxy?.stop();
  await reg?.stop();
});

function client(extra: HttpRegistryClientOptions = {}): {
  client: HttpRegistryClient;
  events: RequestEvent[];
} {
  const events: RequestEvent[] = [];
  const c = new HttpRegistryClient({
    username: reg.username,
    password: reg.password,
    timeout: 2_000,
    retry: fastRetry,
    onRequest: (e) => events.push(e),
    ...extra,
  });
  return { client: c, events };
}

/** A client that has already authenticated, so later requests carry a token up front. */
async function warmClient(extra: HttpRegistryClientOptions = {}) {
  const made = client(extra);
  await made.client.getManifest(`${proxy.host}/${repo}:v1`);
  made.events.length = 0;
  proxy.clearLog();
  return made;
}

const image = () => `${proxy.host}/${repo}:v1`;

/** Aborts a stalled `getManifest` after 100 ms: it must fail at once, as aborted. */
async function expectAbortedAtOnce(c: HttpRegistryClient): Promise<void> {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  const started = Date.now();
  const error = await c
    .getManifest(image(), { signal: controller.signal })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RequestAbortedError);
  expect(Date.now() - started).toBeLessThan(1_000);
}
const registryEvents = (events: RequestEvent[]) => events.filter((e) => e.kind === 'registry');

describe('retries', () => {
  it('retries a 429 after Retry-After seconds', async () => {
    const { client: c, events } = await warmClient({
      retry: { ...fastRetry, maxRetryAfterMs: 5_000 },
    });
    proxy.addFault({
      method: 'GET',
      path: MANIFESTS,
      action: 'respond',
      status: 429,
      headers: { 'retry-after': '1' },
    });
    const started = Date.now();
    const fetched = await c.getManifest(image());
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(fetched.digest).toBe(list.digest);
    expect(registryEvents(events).map((e) => e.attempt)).toEqual([1, 2]);
  });

  it('retries a 429 after a Retry-After HTTP-date', async () => {
    const { client: c } = await warmClient({ retry: { ...fastRetry, maxRetryAfterMs: 5_000 } });
    const when = new Date(Math.ceil(Date.now() / 1000) * 1000 + 2_000);
    proxy.addFault({
      method: 'GET',
      path: MANIFESTS,
      action: 'respond',
      status: 429,
      headers: { 'retry-after': when.toUTCString() },
    });
    const fetched = await c.getManifest(image());
    expect(Date.now()).toBeGreaterThanOrEqual(when.getTime() - 50);
    expect(fetched.digest).toBe(list.digest);
  });

  it('caps a long Retry-After at maxRetryAfterMs', async () => {
    const { client: c } = await warmClient();
    proxy.addFault({
      method: 'GET',
      path: MANIFESTS,
      action: 'respond',
      status: 429,
      headers: { 'retry-after': '3600' },
    });
    const started = Date.now();
    await c.getManifest(image());
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('retries 503 twice, then succeeds', async () => {
    const { client: c, events } = await warmClient();
    const fault = proxy.addFault({
      method: 'GET',
      path: MANIFESTS,
      action: 'respond',
      status: 503,
      times: 2,
    });
    const fetched = await c.getManifest(image());
    expect(fault.hits).toBe(2);
    expect(fetched.digest).toBe(list.digest);
    expect(registryEvents(events).map((e) => e.attempt)).toEqual([1, 2, 3]);
    expect(proxy.log.map((l) => l.status)).toEqual([503, 503, 200]);
  });

  it('gives up after the configured retries with a RegistryError carrying the status', async () => {
    const { client: c, events } = await warmClient({ retry: { ...fastRetry, retries: 2 } });
    proxy.addFault({
      method: 'GET',
      path: MANIFESTS,
      action: 'respond',
      status: 503,
      times: Infinity,
    });
    try {
      const error = await c.getManifest(image()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RegistryError);
      expect((error as RegistryError).status).toBe(503);
      expect(isNotFoundError(error)).toBe(false);
      expect(registryEvents(events)).toHaveLength(3);
    } finally {
      proxy.clearFaults();
    }
  });

  it('retries a PUT by digest (idempotent) after a 502, never a PUT to a tag', async () => {
    const { client: c } = await warmClient();
    proxy.addFault({ method: 'PUT', path: MANIFESTS, action: 'respond', status: 502 });
    const digest = await c.putManifest(
      `${proxy.host}/${repo}@${list.digest}`,
      list.bytes,
      list.mediaType,
    );
    expect(digest).toBe(list.digest);
    expect(proxy.log.filter((l) => l.method === 'PUT').map((l) => l.status)).toEqual([502, 201]);

    // A tag PUT retried late could land over a newer list: it is sent once, and fails.
    proxy.clearLog();
    proxy.addFault({ method: 'PUT', path: MANIFESTS, action: 'respond', status: 502 });
    const error = await c
      .putManifest(`${proxy.host}/${repo}:put-once`, list.bytes, list.mediaType)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502 });
    expect(proxy.log.filter((l) => l.method === 'PUT').map((l) => l.status)).toEqual([502]);
  });

  it('retries a reset connection', async () => {
    const { client: c } = await warmClient();
    const fault = proxy.addFault({ method: 'GET', path: MANIFESTS, action: 'reset' });
    const fetched = await c.getManifest(image());
    expect(fault.hits).toBe(1);
    expect(fetched.digest).toBe(list.digest);
  });

  it('retries a stalled request after the per-attempt timeout', async () => {
    const { client: c, events } = await warmClient({ timeout: 300 });
    proxy.addFault({ method: 'GET', path: MANIFESTS, action: 'stall' });
    const fetched = await c.getManifest(image());
    expect(fetched.digest).toBe(list.digest);
    expect(registryEvents(events).map((e) => e.attempt)).toEqual([1, 2]);
  });

  it('throws RequestTimeoutError when every attempt stalls', async () => {
    const { client: c, events } = await warmClient({
      timeout: 150,
      retry: { ...fastRetry, retries: 1 },
    });
    proxy.addFault({ method: 'GET', path: MANIFESTS, action: 'stall', times: Infinity });
    try {
      const error = await c.getManifest(image()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RequestTimeoutError);
      expect((error as RequestTimeoutError).timeoutKind).toBe('attempt');
      expect(registryEvents(events)).toHaveLength(2);
    } finally {
      proxy.clearFaults();
    }
  });
});

describe('deadline and abort', () => {
  it('the overall deadline stops a call that keeps stalling', async () => {
    const { client: c } = await warmClient({ timeout: 10_000, deadline: 300 });
    proxy.addFault({ method: 'GET', path: MANIFESTS, action: 'stall', times: Infinity });
    try {
      const started = Date.now();
      const error = await c.getManifest(image()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RequestTimeoutError);
      expect((error as RequestTimeoutError).timeoutKind).toBe('deadline');
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      proxy.clearFaults();
    }
  });

  it('an AbortSignal stops a stalled request at once', async () => {
    const { client: c } = await warmClient({ timeout: 10_000 });
    proxy.addFault({ method: 'GET', path: MANIFESTS, action: 'stall', times: Infinity });
    try {
      await expectAbortedAtOnce(c);
    } finally {
      proxy.clearFaults();
    }
  });

  it('an AbortSignal stops a back-off sleep at once', async () => {
    const { client: c, events } = await warmClient({
      retry: { ...fastRetry, maxRetryAfterMs: 60_000 },
    });
    proxy.addFault({
      method: 'GET',
      path: MANIFESTS,
      action: 'respond',
      status: 429,
      headers: { 'retry-after': '30' },
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const started = Date.now();
    const error = await c
      .getManifest(image(), { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestAbortedError);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(registryEvents(events)).toHaveLength(1);
    proxy.clearFaults();
  });

  it('an already aborted signal sends nothing', async () => {
    const { client: c, events } = client();
    const error = await c
      .getManifest(image(), { signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestAbortedError);
    expect(events).toHaveLength(0);
  });
});

describe('integrity', () => {
  it('a body that does not match its docker-content-digest → DigestMismatchError', async () => {
    const { client: c } = await warmClient();
    const tampered = Buffer.from(list.bytes.toString('utf8').replace('amd64', 'riscv'));
    proxy.addFault({ method: 'GET', path: MANIFESTS, action: 'replace-body', body: tampered });
    const error = await c.getManifest(image()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect((error as DigestMismatchError).source).toBe('header');
    expect((error as DigestMismatchError).expected).toBe(list.digest);
    expect(isNotFoundError(error)).toBe(false);
  });

  it('a body that does not match the digest asked for → DigestMismatchError', async () => {
    const { client: c } = await warmClient();
    const tampered = Buffer.from(list.bytes.toString('utf8').replace('amd64', 'riscv'));
    proxy.addFault({
      method: 'GET',
      path: MANIFESTS,
      action: 'respond',
      status: 200,
      headers: { 'content-type': list.mediaType },
      body: tampered,
    });
    const error = await c
      .getManifest(`${proxy.host}/${repo}@${list.digest}`)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect((error as DigestMismatchError).source).toBe('reference');
  });

  it('a PUT answered with another digest → DigestMismatchError', async () => {
    const { client: c } = await warmClient();
    proxy.addFault({
      method: 'PUT',
      path: MANIFESTS,
      action: 'respond',
      status: 201,
      headers: { 'docker-content-digest': `sha256:${'0'.repeat(64)}` },
    });
    const error = await c
      .putManifest(`${proxy.host}/${repo}:v9`, list.bytes, list.mediaType)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect((error as DigestMismatchError).source).toBe('push-response');
  });

  it('takes the media type from the body when Content-Type is generic', async () => {
    const { client: c } = await warmClient();
    const body = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: list.mediaType, manifests: [] }),
    );
    proxy.addFault({
      method: 'GET',
      path: MANIFESTS,
      action: 'respond',
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body,
    });
    const fetched = await c.getManifest(image());
    expect(fetched.mediaType).toBe(list.mediaType);
  });
});

describe('authentication safety', () => {
  let attacker: OtherOrigin;
  beforeAll(async () => {
    attacker = await startOtherOrigin({ rejectAuthorization: false });
  });
  afterAll(async () => {
    await attacker?.stop();
  });

  it('never sends credentials to a token realm over plain HTTP on a non-loopback host', async () => {
    const { client: c, events } = client();
    proxy.addFault({
      action: 'rewrite-www-authenticate',
      value: `Bearer realm="${hostileRealm(attacker.port)}",service="${reg.issuer.service}"`,
    });
    const error = await c.getManifest(image()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).reason).toBe('insecure-realm');
    expect(isNotFoundError(error)).toBe(false);
    expect(events.filter((e) => e.kind === 'token')).toHaveLength(0);
    expect(attacker.requests).toHaveLength(0);
  });

  it('re-authenticates once when a cached token is refused', async () => {
    const { client: c, events } = await warmClient();
    reg.issuer.resetCounts();
    proxy.addFault({
      method: 'GET',
      path: MANIFESTS,
      action: 'respond',
      status: 401,
      headers: {
        'www-authenticate': `Bearer realm="${reg.issuer.realm}",service="${reg.issuer.service}",scope="repository:${repo}:pull",error="invalid_token"`,
      },
      body: '{"errors":[{"code":"UNAUTHORIZED","message":"token revoked"}]}',
    });
    const fetched = await c.getManifest(image());
    expect(fetched.digest).toBe(list.digest);
    expect(reg.issuer.counts.total).toBe(1);
    expect(events.map((e) => e.kind)).toEqual(['registry', 'token', 'registry']);
  });
});

describe('redirects', () => {
  let basicReg: TestRegistry;
  let basicProxy: FaultProxy;
  let other: OtherOrigin;
  let basicRepo: string;
  let basicList: PushedList;

  beforeAll(async () => {
    basicReg = await startBasicRegistry();
    basicProxy = await startFaultProxy(basicReg);
    const auth = `Basic ${Buffer.from(`${basicReg.username}:${basicReg.password}`).toString('base64')}`;
    // S3-like: 400 "Only one auth mechanism allowed" if Authorization arrives.
    other = await startOtherOrigin({
      upstream: basicReg.url,
      upstreamHeaders: { authorization: auth },
    });
    basicRepo = uniqueRepo();
    basicList = await pushList(basicReg, basicRepo, 'v1', { platforms: ['linux/amd64'] });
  });
  afterAll(async () => {
    await basicProxy?.stop();
    await other?.stop();
    await basicReg?.stop();
  });

  it('follows a redirect to another origin without the Authorization header', async () => {
    const c = new HttpRegistryClient({
      username: basicReg.username,
      password: basicReg.password,
      retry: fastRetry,
    });
    await c.getManifest(`${basicProxy.host}/${basicRepo}:v1`); // learn the Basic challenge
    basicProxy.clearLog();
    basicProxy.addFault({ method: 'GET', path: MANIFESTS, action: 'redirect', to: other.url });
    const fetched = await c.getManifest(`${basicProxy.host}/${basicRepo}:v1`);
    expect(fetched.digest).toBe(basicList.digest);
    expect(basicProxy.log[0]?.hasAuthorization).toBe(true);
    expect(basicProxy.log[0]?.status).toBe(302);
    expect(other.requests.length).toBeGreaterThan(0);
    expect(other.requests.every((r) => !r.hasAuthorization)).toBe(true);
  });

  it('keeps Authorization on a same-origin redirect', async () => {
    const c = new HttpRegistryClient({
      username: basicReg.username,
      password: basicReg.password,
      retry: fastRetry,
    });
    await c.getManifest(`${basicProxy.host}/${basicRepo}:v1`);
    basicProxy.clearLog();
    basicProxy.addFault({
      method: 'GET',
      path: MANIFESTS,
      action: 'redirect',
      to: basicProxy.url,
      status: 307,
    });
    const fetched = await c.getManifest(`${basicProxy.host}/${basicRepo}:v1`);
    expect(fetched.digest).toBe(basicList.digest);
    expect(basicProxy.log.map((l) => [l.status, l.hasAuthorization])).toEqual([
      [307, true],
      [200, true],
    ]);
  });
});

describe('token endpoint faults (a proxy in front of the issuer)', () => {
  let issuerProxy: FaultProxy;
  beforeAll(async () => {
    issuerProxy = await startFaultProxy(reg.issuer.url);
  });
  afterAll(async () => {
    await issuerProxy?.stop();
  });

  function viaIssuerProxy() {
    return proxy.addFault({
      action: 'rewrite-www-authenticate',
      value: `Bearer realm="${issuerProxy.url}/token",service="${reg.issuer.service}"`,
      times: Number.POSITIVE_INFINITY,
    });
  }

  it('retries a reset token request', async () => {
    const rewrite = viaIssuerProxy();
    try {
      const fault = issuerProxy.addFault({ action: 'reset' });
      const { client: c, events } = client();
      expect((await c.getManifest(image())).digest).toBe(list.digest);
      expect(fault.hits).toBe(1);
      expect(events.filter((e) => e.kind === 'token').map((e) => e.attempt)).toEqual([1, 2]);
    } finally {
      rewrite.remove();
    }
  });

  it('a token endpoint stalling past every attempt → AuthenticationError, not "absent"', async () => {
    const rewrite = viaIssuerProxy();
    const stall = issuerProxy.addFault({ action: 'stall', times: Number.POSITIVE_INFINITY });
    try {
      const { client: c } = client({ timeout: 150, retry: { ...fastRetry, retries: 1 } });
      const error = await c.getManifest(image()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as AuthenticationError).reason).toBe('token-endpoint-failed');
      expect(isNotFoundError(error)).toBe(false);
      expect(stall.hits).toBe(2);
    } finally {
      stall.remove();
      rewrite.remove();
    }
  });

  it('an AbortSignal stops a stalled token request at once', async () => {
    const rewrite = viaIssuerProxy();
    const stall = issuerProxy.addFault({ action: 'stall', times: Number.POSITIVE_INFINITY });
    try {
      const { client: c } = client({ timeout: 10_000 });
      await expectAbortedAtOnce(c);
    } finally {
      stall.remove();
      rewrite.remove();
    }
  });

  it('a token endpoint redirecting (307) to another origin gets neither the identity token nor the password', async () => {
    const attacker = await startOtherOrigin({ rejectAuthorization: false });
    const rewrite = viaIssuerProxy();
    const redirect = issuerProxy.addFault({
      action: 'redirect',
      to: attacker.url,
      status: 307,
      times: Number.POSITIVE_INFINITY,
    });
    try {
      const identity = reg.issuer.issueRefreshToken('alice');
      for (const extra of [
        {
          username: undefined,
          password: undefined,
          credentials: async () => ({ identityToken: identity }),
        },
        {},
      ] as HttpRegistryClientOptions[]) {
        const { client: c } = client(extra);
        const error = await c.getManifest(image()).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AuthenticationError);
        expect((error as AuthenticationError).reason).toBe('token-endpoint-failed');
        expect(String((error as Error).message)).not.toContain(identity);
      }
      expect(redirect.hits).toBe(2);
      expect(attacker.requests).toEqual([]);
    } finally {
      redirect.remove();
      rewrite.remove();
      await attacker.stop();
    }
  });

  it('the deadline covers token requests too', async () => {
    const rewrite = viaIssuerProxy();
    const stall = issuerProxy.addFault({ action: 'stall', times: Number.POSITIVE_INFINITY });
    try {
      const { client: c } = client({ timeout: 10_000, deadline: 200 });
      const error = await c.getManifest(image()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RequestTimeoutError);
      expect((error as RequestTimeoutError).timeoutKind).toBe('deadline');
    } finally {
      stall.remove();
      rewrite.remove();
    }
  });
});
