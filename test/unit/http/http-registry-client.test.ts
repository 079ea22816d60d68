// Corner cases of HttpRegistryClient that no real registry of the test suite produces,
// simulated with nock: HTTPS by default, HEAD 405, odd challenges and token answers,
// redirect loops, hostile error bodies.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, NotFoundError, RegistryError } from '../../../src/errors/index.js';
import { HttpRegistryClient } from '../../../src/http/http-registry-client.js';
import type { HttpRegistryClientOptions } from '../../../src/http/options.js';
import type { RequestEvent } from '../../../src/http/request-event.js';
import { isNotFoundError } from '../../../src/registry/client.js';

const LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const BODY = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: LIST, manifests: [] }));
const DIGEST = `sha256:${createHash('sha256').update(BODY).digest('hex')}`;

const fast = { retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 5 } };
function make(extra: HttpRegistryClientOptions = {}) {
  const events: RequestEvent[] = [];
  return {
    client: new HttpRegistryClient({ ...fast, onRequest: (e) => events.push(e), ...extra }),
    events,
  };
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('transport choice', () => {
  it('uses HTTPS for registry hosts, plain HTTP for insecure ones', async () => {
    nock('https://registry.example.com')
      .get('/v2/ns/app/manifests/v1')
      .reply(200, BODY, { 'content-type': LIST, 'docker-content-digest': DIGEST });
    const { client } = make();
    expect((await client.getManifest('registry.example.com/ns/app:v1')).digest).toBe(DIGEST);

    nock('http://registry.lan:5000')
      .get('/v2/app/manifests/v1')
      .reply(200, BODY, { 'content-type': LIST });
    const insecure = make({ insecure: ['registry.lan:5000'] }).client;
    expect((await insecure.getManifest('registry.lan:5000/app:v1')).mediaType).toBe(LIST);
    nock('http://registry.lan:5001')
      .get('/v2/app/manifests/v1')
      .reply(200, BODY, { 'content-type': LIST });
    const byName = make({ insecure: ['registry.lan'] }).client;
    expect((await byName.getManifest('registry.lan:5001/app:v1')).digest).toBe(DIGEST);
  });

  it('talks to registry-1.docker.io for Docker Hub images', async () => {
    nock('https://registry-1.docker.io')
      .get('/v2/library/ubuntu/manifests/latest')
      .reply(200, BODY, {
        'content-type': LIST,
      });
    expect((await make().client.getManifest('ubuntu')).digest).toBe(DIGEST);
  });

  it('sends the Accept of all four manifest types and the User-Agent', async () => {
    let accept = '';
    let agent = '';
    nock('https://r.example.com')
      .get('/v2/a/manifests/v1')
      .reply(function () {
        accept = String(this.req.headers['accept']);
        agent = String(this.req.headers['user-agent']);
        return [200, BODY, { 'content-type': LIST }];
      });
    await make({ userAgent: 'tests/1.0' }).client.getManifest('r.example.com/a:v1');
    expect(accept.split(',').map((s) => s.trim())).toEqual([
      LIST,
      'application/vnd.oci.image.index.v1+json',
      'application/vnd.docker.distribution.manifest.v2+json',
      'application/vnd.oci.image.manifest.v1+json',
    ]);
    expect(agent).toBe('tests/1.0');
  });
});

describe('HEAD', () => {
  it('falls back to GET on 405', async () => {
    nock('https://r.example.com')
      .head('/v2/a/manifests/v1')
      .reply(405)
      .get('/v2/a/manifests/v1')
      .reply(200, BODY, { 'content-type': LIST });
    const { client, events } = make();
    expect(await client.headManifest('r.example.com/a:v1')).toEqual({
      digest: DIGEST,
      mediaType: LIST,
      size: BODY.length,
    });
    expect(events.map((e) => e.method)).toEqual(['HEAD', 'GET']);
  });

  it('falls back to GET when a tag HEAD has no digest header', async () => {
    nock('https://r.example.com')
      .head('/v2/a/manifests/v1')
      .reply(200, '', { 'content-type': LIST })
      .get('/v2/a/manifests/v1')
      .reply(200, BODY, { 'content-type': LIST });
    expect((await make().client.headManifest('r.example.com/a:v1')).digest).toBe(DIGEST);
  });

  it('throws NotFoundError on 404', async () => {
    nock('https://r.example.com').head('/v2/a/manifests/v1').reply(404);
    await expect(make().client.headManifest('r.example.com/a:v1')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe('bodies and statuses', () => {
  it('takes the media type from the body when Content-Type is missing', async () => {
    nock('https://r.example.com').get('/v2/a/manifests/v1').reply(200, BODY);
    expect((await make().client.getManifest('r.example.com/a:v1')).mediaType).toBe(LIST);
  });

  it('a 403 is a RegistryError, not "absent"', async () => {
    nock('https://r.example.com')
      .get('/v2/a/manifests/v1')
      .reply(403, {
        errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }],
      });
    const error = await make()
      .client.getManifest('r.example.com/a:v1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).registryCodes).toEqual(['DENIED']);
    expect(isNotFoundError(error)).toBe(false);
  });

  it('a 401 without a challenge is an AuthenticationError, not "absent"', async () => {
    nock('https://r.example.com').get('/v2/a/manifests/v1').reply(401);
    const error = await make()
      .client.getManifest('r.example.com/a:v1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).reason).toBe('unsupported-challenge');
    expect(isNotFoundError(error)).toBe(false);
  });

  it('redacts secrets a registry echoes in its error body', async () => {
    nock('https://r.example.com')
      .get('/v2/a/manifests/v1')
      .reply(400, {
        errors: [{ code: 'BAD', message: 'bad header Bearer abc.def.ghi token=xyz' }],
      });
    const error = (await make()
      .client.getManifest('r.example.com/a:v1')
      .catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain('abc.def.ghi');
    expect(error.message).not.toContain('xyz');
  });

  it('stops a redirect loop', async () => {
    nock('https://r.example.com')
      .get('/v2/a/manifests/v1')
      .times(10)
      .reply(302, '', { location: 'https://r.example.com/v2/a/manifests/v1' });
    const error = await make()
      .client.getManifest('r.example.com/a:v1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as Error).message).toMatch(/too many redirects/i);
  });

  it('a refused connection is a RegistryError without credentials in it', async () => {
    // Real: nothing listens on this loopback port.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    nock.enableNetConnect('127.0.0.1');
    const { client, events } = make({ username: 'u', password: 'hunter2-secret' });
    const error = await client.getManifest(`127.0.0.1:${port}/a:v1`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).code).toBe('NETWORK_ERROR');
    expect(events.map((e) => e.attempt)).toEqual([1, 2]);
    const text = `${inspect(error, { depth: 10 })}${JSON.stringify(error)}`;
    expect(text).toContain('ECONNREFUSED');
    expect(text).not.toContain('hunter2');
  });
});

describe('token endpoints', () => {
  const challenge = 'Bearer realm="https://auth.example.com/token",service="r.example.com"';

  it('sends Basic credentials to an HTTPS realm on another host; access_token without expires_in is cached', async () => {
    const tokens = nock('https://auth.example.com')
      .get('/token')
      .query({ service: 'r.example.com', scope: 'repository:a:pull' })
      .matchHeader('authorization', `Basic ${Buffer.from('u:p').toString('base64')}`)
      .reply(200, { access_token: 'tok-1' });
    const registry = nock('https://r.example.com')
      .get('/v2/a/manifests/v1')
      .reply(401, '', { 'www-authenticate': challenge })
      .get('/v2/a/manifests/v1')
      .matchHeader('authorization', 'Bearer tok-1')
      .times(2)
      .reply(200, BODY, { 'content-type': LIST });
    const { client, events } = make({ username: 'u', password: 'p' });
    await client.getManifest('r.example.com/a:v1');
    await client.getManifest('r.example.com/a:v1');
    expect(tokens.isDone()).toBe(true);
    expect(registry.isDone()).toBe(true);
    expect(events.filter((e) => e.kind === 'token')).toHaveLength(1);
  });

  it('posts identity tokens as a refresh_token grant', async () => {
    let form = new URLSearchParams();
    nock('https://auth.example.com')
      .post('/token')
      .reply((_uri, body) => {
        form = new URLSearchParams(String(body));
        return [200, { token: 'tok-2', expires_in: 300 }];
      });
    nock('https://r.example.com')
      .get('/v2/a/manifests/v1')
      .reply(401, '', { 'www-authenticate': challenge })
      .get('/v2/a/manifests/v1')
      .matchHeader('authorization', 'Bearer tok-2')
      .reply(200, BODY, { 'content-type': LIST });
    await make({ credentials: () => ({ identityToken: 'refresh-abc' }) }).client.getManifest(
      'r.example.com/a:v1',
    );
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'refresh-abc',
      client_id: 'manifest-list-merger',
      service: 'r.example.com',
      scope: 'repository:a:pull',
    });
  });

  it('a token answer without a token is an AuthenticationError', async () => {
    nock('https://auth.example.com').get('/token').query(true).reply(200, { nothing: true });
    nock('https://r.example.com')
      .get('/v2/a/manifests/v1')
      .reply(401, '', { 'www-authenticate': challenge });
    const error = await make()
      .client.getManifest('r.example.com/a:v1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).reason).toBe('token-endpoint-failed');
  });

  it('prefers Bearer over Basic when both are offered', async () => {
    nock('https://auth.example.com').get('/token').query(true).reply(200, { token: 'tok-3' });
    nock('https://r.example.com')
      .get('/v2/a/manifests/v1')
      .reply(401, '', { 'www-authenticate': `Basic realm="r", ${challenge}` })
      .get('/v2/a/manifests/v1')
      .matchHeader('authorization', 'Bearer tok-3')
      .reply(200, BODY, { 'content-type': LIST });
    expect((await make().client.getManifest('r.example.com/a:v1')).digest).toBe(DIGEST);
  });

  it('anonymous access refused by the token endpoint asks for credentials', async () => {
    nock('https://auth.example.com').get('/token').query(true).reply(401);
    nock('https://r.example.com')
      .get('/v2/a/manifests/v1')
      .reply(401, '', { 'www-authenticate': challenge });
    const error = await make()
      .client.getManifest('r.example.com/a:v1')
      .catch((e: unknown) => e);
    expect((error as AuthenticationError).reason).toBe('credentials-required');
  });
});
