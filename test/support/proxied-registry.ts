// A token registry of its own behind the fault proxy, for the HttpRegistryClient tests of
// test/integration/http/: a file calls useProxiedTokenRegistry() once at its top level, and
// reads the registry, the proxy and the pushed list from the live bindings below (set in its
// beforeAll; each test file has its own copy of this module).
import { afterAll, beforeAll, expect } from 'vitest';
import { RequestAbortedError } from '../../src/errors/index.js';
import { HttpRegistryClient } from '../../src/http/http-registry-client.js';
import type { HttpRegistryClientOptions } from '../../src/http/options.js';
import type { RequestEvent } from '../../src/http/request-event.js';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';
import { type PushedList, pushList } from './images.js';
import { startTokenRegistry, type TokenTestRegistry, uniqueRepo } from './registry.js';

/** The paths of manifest requests, for fault rules. */
export const MANIFESTS = /\/manifests\//;
/** Retries short enough for tests: 3 retries, at most 20 ms apart, Retry-After capped at 50 ms. */
export const fastRetry = { retries: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 50 };

/** The token registry (alice's credentials), reached directly. */
export let reg: TokenTestRegistry;
/** The fault proxy in front of {@link reg}: clients go through `proxy.host`. */
export let proxy: FaultProxy;
/** A fresh repository of {@link reg} holding {@link list} at `v1`. */
export let repo: string;
/** A two-platform list at `repo:v1`. */
export let list: PushedList;

/** Starts the registry, the proxy and the list in `beforeAll`; stops them in `afterAll`. */
export function useProxiedTokenRegistry(): void {
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
}

/** A client as alice through the proxy, with fast retries; `events` collects its requests. */
export function client(extra: HttpRegistryClientOptions = {}): {
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
export async function warmClient(extra: HttpRegistryClientOptions = {}) {
  const made = client(extra);
  await made.client.getManifest(`${proxy.host}/${repo}:v1`);
  made.events.length = 0;
  proxy.clearLog();
  return made;
}

/** `repo:v1` through the proxy. */
export const image = () => `${proxy.host}/${repo}:v1`;

/** Aborts a waiting `getManifest` after `afterMs`: it must fail at once, as aborted. */
export async function expectAbortedAtOnce(c: HttpRegistryClient, afterMs = 100): Promise<void> {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), afterMs);
  const started = Date.now();
  const error = await c
    .getManifest(image(), { signal: controller.signal })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RequestAbortedError);
  expect(Date.now() - started).toBeLessThan(1_000);
}

/** The requests to the registry (not to the token endpoint) among `events`. */
export const registryEvents = (events: RequestEvent[]) =>
  events.filter((e) => e.kind === 'registry');
