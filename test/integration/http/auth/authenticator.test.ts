// Authentication through the fault proxy (src/http/auth/authenticator.ts, token-request.ts):
// no credentials to a plain-HTTP realm on a non-loopback host, one re-authentication on a
// refused token; and token endpoint faults from a second proxy in front of the issuer: a reset,
// a stall past every attempt, an abort, a redirect to another origin, the deadline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, RequestTimeoutError } from '../../../../src/errors/index.js';
import type { HttpRegistryClientOptions } from '../../../../src/http/options.js';
import { isNotFoundError } from '../../../../src/registry/client.js';
import {
  type FaultProxy,
  hostileRealm,
  type OtherOrigin,
  startFaultProxy,
  startOtherOrigin,
} from '../../../support/fault-proxy.js';
import {
  client,
  expectAbortedAtOnce,
  fastRetry,
  image,
  list,
  MANIFESTS,
  proxy,
  reg,
  repo,
  useProxiedTokenRegistry,
  warmClient,
} from '../../../support/proxied-registry.js';

useProxiedTokenRegistry();

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
