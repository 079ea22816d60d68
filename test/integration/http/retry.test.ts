// HttpRegistryClient's retries through the fault proxy (src/http/retry/): 429 + Retry-After in
// both forms, 503, 502 on a PUT by digest, reset, stall, every attempt stalling; then the
// deadline and abort, during a stall, a back-off sleep, or before anything is sent.
import { describe, expect, it } from 'vitest';
import {
  RegistryError,
  RequestAbortedError,
  RequestTimeoutError,
} from '../../../src/errors/index.js';
import { isNotFoundError } from '../../../src/registry/client.js';
import {
  client,
  expectAbortedAtOnce,
  fastRetry,
  image,
  list,
  MANIFESTS,
  proxy,
  registryEvents,
  repo,
  useProxiedTokenRegistry,
  warmClient,
} from '../../support/proxied-registry.js';

useProxiedTokenRegistry();

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
    await expectAbortedAtOnce(c, 150);
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
