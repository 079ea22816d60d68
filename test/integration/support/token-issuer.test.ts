import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anonymous,
  asUser,
  basic,
  getManifest,
  manifestExists,
  pushImage,
  putManifest,
} from '../../support/images.js';
import { startTokenRegistry, type TokenTestRegistry, uniqueRepo } from '../../support/registry.js';

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
