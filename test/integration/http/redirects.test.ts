// Redirects (src/http/redirects.ts) through the fault proxy, on a basic registry of its own:
// to another origin without the Authorization header (S3-like storage refuses one), and with it
// on a same-origin redirect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpRegistryClient } from '../../../src/http/http-registry-client.js';
import {
  type FaultProxy,
  type OtherOrigin,
  startFaultProxy,
  startOtherOrigin,
} from '../../support/fault-proxy.js';
import { type PushedList, pushList } from '../../support/images.js';
import { fastRetry, MANIFESTS } from '../../support/proxied-registry.js';
import { startBasicRegistry, type TestRegistry, uniqueRepo } from '../../support/registry.js';

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
