// HttpRegistryClient.listReferrers: distribution 2.8.2's 404 (no API), the fault proxy's
// emulated API (filters, OCI-Filters-Applied), and what a real registry will not produce
// (pages, a broken answer) from the hostile server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidDigestError, RegistryError } from '../../../src/errors/index.js';
import { HttpRegistryClient } from '../../../src/http/http-registry-client.js';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy.js';
import { type HostileServer, respond, startHostileServer } from '../../support/hostile-server.js';
import { pushImage, pushReferrer } from '../../support/images.js';
import { startAnonymousRegistry, type TestRegistry, uniqueRepo } from '../../support/registry.js';

let reg: TestRegistry;
let api: FaultProxy;
let hostile: HostileServer;
beforeAll(async () => {
  reg = await startAnonymousRegistry();
  [api, hostile] = await Promise.all([
    startFaultProxy(reg, { referrers: true }),
    startHostileServer(),
  ]);
});
afterAll(async () => {
  await Promise.all([api?.stop(), hostile?.stop()]);
  await reg?.stop();
});

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const INDEX = 'application/vnd.oci.image.index.v1+json';
const entry = (digest: string) => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest,
  size: 7,
  artifactType: 'application/spdx+json',
});

describe('listReferrers', () => {
  it('resolves undefined on distribution 2.8.2, which has no referrers API (404)', async () => {
    const repo = uniqueRepo('refs');
    const img = await pushImage(reg, repo, { platform: 'linux/amd64', format: 'oci' });
    expect(await new HttpRegistryClient().listReferrers(`${reg.host}/${repo}`, img.digest)).toBe(
      undefined,
    );
  });

  it('reads the API where there is one, filtered when asked', async () => {
    const repo = uniqueRepo('refs');
    const img = await pushImage(api, repo, { platform: 'linux/amd64', format: 'oci' });
    const sbom = await pushReferrer(api, repo, img.descriptor, { tagSchema: false });
    const att = await pushReferrer(api, repo, img.descriptor, {
      tagSchema: false,
      artifactType: 'application/vnd.in-toto+json',
    });
    const client = new HttpRegistryClient();
    const all = await client.listReferrers(`${api.host}/${repo}:ignored`, img.digest);
    expect(all).toEqual({ manifests: [sbom.descriptor, att.descriptor], filtersApplied: [] });
    const some = await client.listReferrers(`${api.host}/${repo}`, img.digest, {
      artifactType: 'application/vnd.in-toto+json',
    });
    expect(some).toEqual({ manifests: [att.descriptor], filtersApplied: ['artifactType'] });
    expect(await client.listReferrers(`${api.host}/${repo}`, A)).toEqual({
      manifests: [],
      filtersApplied: [],
    });
  });

  it('follows Link: <…>; rel="next" pages', async () => {
    hostile.reset();
    const page = (digests: string[]) =>
      JSON.stringify({ schemaVersion: 2, mediaType: INDEX, manifests: digests.map(entry) });
    hostile.route({
      path: new RegExp(`/referrers/${A}$`),
      times: 1,
      handle: respond(200, {
        headers: { link: `</v2/ns/app/referrers/${A}?last=1>; rel="next"`, 'content-type': INDEX },
        body: page([A]),
      }),
    });
    hostile.route({
      path: new RegExp(`/referrers/${A}$`),
      handle: respond(200, { headers: { 'content-type': INDEX }, body: page([B]) }),
    });
    const answer = await new HttpRegistryClient().listReferrers(`${hostile.host}/ns/app`, A);
    expect(answer?.manifests.map((d) => d.digest)).toEqual([A, B]);
    expect(hostile.requests.map((r) => r.query)).toEqual(['', 'last=1']);
  });

  it.each([
    ['not JSON', '{'],
    ['an entry without a digest', JSON.stringify({ manifests: [{ mediaType: 'x', size: 1 }] })],
  ])('refuses an answer that is %s with a RegistryError', async (_name, body) => {
    hostile.reset();
    hostile.route({ path: /\/referrers\//, handle: respond(200, { body }) });
    const error = await new HttpRegistryClient()
      .listReferrers(`${hostile.host}/ns/app`, A)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as Error).message).toMatch(/is not an image index/);
  });

  it('refuses a digest of another algorithm before any request', async () => {
    hostile.reset();
    await expect(
      new HttpRegistryClient().listReferrers(
        `${hostile.host}/ns/app`,
        'md5:d41d8cd98f00b204e9800998ecf8427e',
      ),
    ).rejects.toBeInstanceOf(InvalidDigestError);
    expect(hostile.requests).toEqual([]);
  });
});
