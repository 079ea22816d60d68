// HttpRegistryClient against real CNCF distribution registries: round trips in each auth
// mode, digest checks, the size cap, HEAD, and the token cache.
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  AuthenticationError,
  DigestMismatchError,
  ManifestTooLargeError,
  NotFoundError,
  RegistryError,
} from '../../../src/errors/index.js';
import { HttpRegistryClient } from '../../../src/http/http-registry-client.js';
import type { RequestEvent } from '../../../src/http/request-event.js';
import { isNotFoundError } from '../../../src/registry/client.js';
import { getManifest, MEDIA_TYPES, pushImage, pushList } from '../../support/images.js';
import { startTokenRegistry, type TokenTestRegistry, uniqueRepo } from '../../support/registry.js';
import { defaultPolicy } from '../../support/token-issuer.js';
import type { RegistryInfo } from '../../support/types.js';

const regs = inject('registries');
const fast = {
  retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 50 },
  timeout: 5_000,
};

function clientFor(
  info: RegistryInfo,
  extra: ConstructorParameters<typeof HttpRegistryClient>[0] = {},
) {
  return new HttpRegistryClient({
    username: info.username,
    password: info.password,
    ...fast,
    ...extra,
  });
}

describe.each(['anonymous', 'basic', 'token'] as const)('%s registry', (kind) => {
  const info = regs[kind];

  it('GETs a list with exact bytes, media type and digest, and PUTs it back byte for byte', async () => {
    const repo = uniqueRepo();
    const list = await pushList(info, repo, 'v1', { platforms: ['linux/amd64', 'linux/arm64'] });
    const client = clientFor(info);
    const fetched = await client.getManifest(`${info.host}/${repo}:v1`);
    expect(Buffer.from(fetched.bytes).equals(list.bytes)).toBe(true);
    expect(fetched.mediaType).toBe(MEDIA_TYPES.dockerList);
    expect(fetched.digest).toBe(list.digest);

    const byDigest = await client.getManifest(`${info.host}/${repo}@${list.digest}`);
    expect(byDigest.digest).toBe(list.digest);

    const digest = await client.putManifest(
      `${info.host}/${repo}:copy`,
      fetched.bytes,
      fetched.mediaType,
    );
    expect(digest).toBe(list.digest);
    const back = await getManifest(info, repo, 'copy');
    expect(back.bytes.equals(list.bytes)).toBe(true);
    expect(back.contentType).toBe(MEDIA_TYPES.dockerList);
    client.close();
  });

  it('round-trips an OCI index with odd whitespace unchanged', async () => {
    const repo = uniqueRepo();
    const list = await pushList(info, repo, 'v1', { platforms: ['linux/amd64'], format: 'oci' });
    const reformatted = Buffer.from(`${JSON.stringify(list.json, null, 3)}\n`);
    const client = clientFor(info);
    const digest = await client.putManifest(
      `${info.host}/${repo}:pretty`,
      reformatted,
      MEDIA_TYPES.ociIndex,
    );
    const fetched = await client.getManifest(`${info.host}/${repo}:pretty`);
    expect(Buffer.from(fetched.bytes).equals(reformatted)).toBe(true);
    expect(fetched.digest).toBe(digest);
    expect(fetched.mediaType).toBe(MEDIA_TYPES.ociIndex);
    client.close();
  });

  it('HEADs a manifest and throws NotFoundError for a missing tag and repository', async () => {
    const repo = uniqueRepo();
    const image = await pushImage(info, repo, { platform: 'linux/amd64', tag: 'one' });
    const client = clientFor(info);
    const head = await client.headManifest(`${info.host}/${repo}:one`);
    expect(head.digest).toBe(image.digest);
    expect(head.mediaType).toBe(MEDIA_TYPES.dockerManifest);
    expect(head.size).toBe(image.bytes.length);

    const missingTag = await client
      .getManifest(`${info.host}/${repo}:nope`)
      .catch((e: unknown) => e);
    expect(missingTag).toBeInstanceOf(NotFoundError);
    expect((missingTag as NotFoundError).status).toBe(404);
    expect((missingTag as NotFoundError).registryCodes).toContain('MANIFEST_UNKNOWN');
    expect(isNotFoundError(missingTag)).toBe(true);
    await expect(client.headManifest(`${info.host}/${repo}:nope`)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      client.getManifest(`${info.host}/${uniqueRepo('absent')}:x`),
    ).rejects.toBeInstanceOf(NotFoundError);
    client.close();
  });

  it('refuses a PUT whose bytes do not match the digest reference, before sending it', async () => {
    const repo = uniqueRepo();
    const list = await pushList(info, repo, undefined, { platforms: ['linux/amd64'] });
    const events: RequestEvent[] = [];
    const client = clientFor(info, { onRequest: (e) => events.push(e) });
    const other = Buffer.concat([list.bytes, Buffer.from(' ')]);
    const error = await client
      .putManifest(`${info.host}/${repo}@${list.digest}`, other, list.mediaType)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect((error as DigestMismatchError).source).toBe('reference');
    expect(events).toHaveLength(0);
    // and PUT by digest with the right bytes works
    expect(
      await client.putManifest(`${info.host}/${repo}@${list.digest}`, list.bytes, list.mediaType),
    ).toBe(list.digest);
  });

  it('surfaces the registry error codes of a refused PUT (MANIFEST_BLOB_UNKNOWN)', async () => {
    const repo = uniqueRepo();
    const list = await pushList(info, `${repo}-src`, 'v1', { platforms: ['linux/amd64'] });
    const client = clientFor(info);
    const error = await client
      .putManifest(`${info.host}/${repo}:v1`, list.bytes, list.mediaType)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).status).toBe(400);
    expect((error as RegistryError).registryCodes).toContain('MANIFEST_BLOB_UNKNOWN');
    expect(isNotFoundError(error)).toBe(false);
  });
});

describe('size cap', () => {
  const info = regs.anonymous;

  it('aborts a GET past maxManifestBytes and refuses a larger PUT', async () => {
    const repo = uniqueRepo();
    const image = await pushImage(info, repo, { platform: 'linux/amd64' });
    const padding = 'x'.repeat(5000);
    const big = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociIndex,
        manifests: [image.descriptor],
        annotations: { padding },
      }),
    );
    const client = clientFor(info);
    await client.putManifest(`${info.host}/${repo}:big`, big, MEDIA_TYPES.ociIndex);
    const small = clientFor(info, { maxManifestBytes: 1024 });
    const error = await small.getManifest(`${info.host}/${repo}:big`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManifestTooLargeError);
    expect((error as ManifestTooLargeError).limit).toBe(1024);
    await expect(
      small.putManifest(`${info.host}/${repo}:big2`, big, MEDIA_TYPES.ociIndex),
    ).rejects.toBeInstanceOf(ManifestTooLargeError);
  });

  it('accepts a manifest just under the 4 MiB default and refuses one over it', async () => {
    const repo = uniqueRepo();
    const image = await pushImage(info, repo, { platform: 'linux/amd64' });
    const make = (size: number) => {
      const base = JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociIndex,
        manifests: [image.descriptor],
        annotations: { padding: '' },
      });
      return Buffer.from(
        base.replace('"padding":""', `"padding":"${'y'.repeat(size - base.length)}"`),
      );
    };
    const limit = 4 * 1024 * 1024;
    const under = make(limit);
    expect(under.length).toBe(limit);
    const client = clientFor(info);
    const digest = await client.putManifest(
      `${info.host}/${repo}:under`,
      under,
      MEDIA_TYPES.ociIndex,
    );
    const fetched = await client.getManifest(`${info.host}/${repo}:under`);
    expect(fetched.digest).toBe(digest);
    await expect(
      client.putManifest(`${info.host}/${repo}:over`, make(limit + 1), MEDIA_TYPES.ociIndex),
    ).rejects.toBeInstanceOf(ManifestTooLargeError);
  });
});

describe('token auth with our own issuer', () => {
  let reg: TokenTestRegistry;
  beforeAll(async () => {
    reg = await startTokenRegistry();
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('caches tokens: a warm client makes 0 token requests, and a pull,push token serves pulls', async () => {
    const repo = uniqueRepo();
    const list = await pushList(reg, repo, 'v1', { platforms: ['linux/amd64'] });
    const events: RequestEvent[] = [];
    const client = clientFor(reg, { onRequest: (e) => events.push(e) });
    reg.issuer.resetCounts();

    const fetched = await client.getManifest(`${reg.host}/${repo}:v1`);
    await client.putManifest(`${reg.host}/${repo}:v2`, fetched.bytes, fetched.mediaType);
    expect(reg.issuer.counts.total).toBe(2); // pull, then pull,push
    expect(events.filter((e) => e.kind === 'token')).toHaveLength(2);

    reg.issuer.resetCounts();
    events.length = 0;
    await client.getManifest(`${reg.host}/${repo}:v1`);
    await client.getManifest(`${reg.host}/${repo}:v2`);
    await client.putManifest(`${reg.host}/${repo}:v3`, fetched.bytes, fetched.mediaType);
    expect(reg.issuer.counts.total).toBe(0);
    expect(events.map((e) => `${e.kind} ${e.method}`)).toEqual([
      'registry GET',
      'registry GET',
      'registry PUT',
    ]);
    expect(client.requestCounts.token).toBe(2);
    expect(list.digest).toBe(fetched.digest);
  });

  it('renews a token before it expires', async () => {
    const repo = uniqueRepo();
    await pushImage(reg, repo, { platform: 'linux/amd64', tag: 'v1' });
    reg.issuer.expiresIn = 1; // renewed 1 s before expiry: at once
    try {
      const client = clientFor(reg);
      reg.issuer.resetCounts();
      await client.getManifest(`${reg.host}/${repo}:v1`);
      await client.getManifest(`${reg.host}/${repo}:v1`);
      expect(reg.issuer.counts.total).toBe(2);
    } finally {
      reg.issuer.expiresIn = 300;
    }
  });

  it('shares one token request among concurrent calls', async () => {
    const repo = uniqueRepo();
    await pushImage(reg, repo, { platform: 'linux/amd64', tag: 'v1' });
    const client = clientFor(reg);
    await client.getManifest(`${reg.host}/${uniqueRepo()}:warm`).catch(() => undefined); // learn the challenge
    reg.issuer.resetCounts();
    await Promise.all(
      Array.from({ length: 8 }, () => client.getManifest(`${reg.host}/${repo}:v1`)),
    );
    expect(reg.issuer.counts.total).toBe(1);
  });

  it('exchanges an identity token by POST grant_type=refresh_token', async () => {
    const repo = uniqueRepo();
    const list = await pushList(reg, repo, 'v1', { platforms: ['linux/amd64'] });
    const identityToken = reg.issuer.issueRefreshToken('alice');
    const client = new HttpRegistryClient({ credentials: () => ({ identityToken }), ...fast });
    reg.issuer.resetCounts();
    const fetched = await client.getManifest(`${reg.host}/${repo}:v1`);
    expect(fetched.digest).toBe(list.digest);
    expect(reg.issuer.requests.map((r) => [r.method, r.grantType])).toEqual([
      ['POST', 'refresh_token'],
    ]);
  });

  it('a 401 after a granted token means "absent" for a pull, "access denied" for a push', async () => {
    const repo = uniqueRepo();
    const list = await pushList(reg, repo, 'v1', { platforms: ['linux/amd64'] });
    const bob = reg.users.bob!;
    const client = new HttpRegistryClient({ ...bob, ...fast });
    const fetched = await client.getManifest(`${reg.host}/${repo}:v1`); // bob may pull
    expect(fetched.digest).toBe(list.digest);
    const pushError = await client
      .putManifest(`${reg.host}/${repo}:bob`, fetched.bytes, fetched.mediaType)
      .catch((e: unknown) => e);
    expect(pushError).toBeInstanceOf(AuthenticationError);
    expect((pushError as AuthenticationError).reason).toBe('access-denied');
    expect(isNotFoundError(pushError)).toBe(false);

    reg.issuer.policy = (subject, resource, requested) =>
      subject === 'bob' && resource.name === repo ? [] : requested;
    try {
      const fresh = new HttpRegistryClient({ ...bob, ...fast }); // no cached pull token
      const denied = await fresh.getManifest(`${reg.host}/${repo}:v1`).catch((e: unknown) => e);
      expect(denied).toBeInstanceOf(NotFoundError);
      expect((denied as NotFoundError).status).toBe(401);
      expect(isNotFoundError(denied)).toBe(true);
    } finally {
      reg.issuer.policy = defaultPolicy;
    }
  });

  it('logs requests, retries and pushes without any password or token', async () => {
    const repo = uniqueRepo();
    const list = await pushList(reg, repo, 'v1', { platforms: ['linux/amd64'] });
    const lines: string[] = [];
    const record = (m: string) => lines.push(m);
    const client = clientFor(reg, {
      logger: { debug: record, info: record, warn: record, error: record },
    });
    reg.issuer.failNext(1, 503);
    await client.getManifest(`${reg.host}/${repo}:v1`);
    await client.putManifest(`${reg.host}/${repo}:v2`, list.bytes, list.mediaType);
    expect(lines.some((l) => /Retrying GET .*token/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('Pushed '))).toBe(true);
    const all = lines.join('\n');
    expect(all).not.toContain(reg.password!);
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/); // no JWT
    expect(all).not.toMatch(/(Basic|Bearer) (?!\*\*\*)/);
  });

  it('a token endpoint failing (500) is an AuthenticationError, never "absent"', async () => {
    const repo = uniqueRepo();
    await pushImage(reg, repo, { platform: 'linux/amd64', tag: 'v1' });
    const client = clientFor(reg);
    reg.issuer.failNext(10, 500);
    const error = await client.getManifest(`${reg.host}/${repo}:v1`).catch((e: unknown) => e);
    reg.issuer.failNext(0);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).reason).toBe('token-endpoint-failed');
    expect(isNotFoundError(error)).toBe(false);
  });

  it('a token endpoint failing twice is retried and then succeeds', async () => {
    const repo = uniqueRepo();
    await pushImage(reg, repo, { platform: 'linux/amd64', tag: 'v1' });
    const client = clientFor(reg);
    reg.issuer.resetCounts();
    reg.issuer.failNext(2, 503);
    await client.getManifest(`${reg.host}/${repo}:v1`);
    expect(reg.issuer.counts.total).toBe(3);
  });
});

describe('wrong credentials', () => {
  for (const kind of ['basic', 'token'] as const) {
    it(`${kind}: wrong password → AuthenticationError with the secret nowhere`, async () => {
      const info = regs[kind];
      const secret = `wrong-${Math.random().toString(36).slice(2)}-pw`;
      const lines: string[] = [];
      const logger = {
        debug: (m: string) => lines.push(m),
        info: (m: string) => lines.push(m),
        warn: (m: string) => lines.push(m),
        error: (m: string) => lines.push(m),
      };
      const client = new HttpRegistryClient({
        username: 'alice',
        password: secret,
        logger,
        ...fast,
      });
      const error = await client
        .getManifest(`${info.host}/${uniqueRepo()}:v1`)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as AuthenticationError).reason).toBe('credentials-rejected');
      expect(isNotFoundError(error)).toBe(false);
      const basic = Buffer.from(`alice:${secret}`).toString('base64');
      const all = [
        (error as Error).message,
        JSON.stringify(error),
        inspect(error, { depth: 10 }),
        String((error as Error).stack),
        ...lines,
      ].join('\n');
      expect(all).not.toContain(secret);
      expect(all).not.toContain(basic);
      expect(lines.length).toBeGreaterThan(0);
    });
  }

  it('a client itself shows no credentials in util.inspect or JSON', async () => {
    const secret = `pw-${Math.random().toString(36).slice(2)}`;
    const client = new HttpRegistryClient({ username: 'alice', password: secret, ...fast });
    await client.getManifest(`${regs.basic.host}/${uniqueRepo()}:v1`).catch(() => undefined);
    const shown = `${inspect(client, { depth: 20, showHidden: true })}${JSON.stringify(client)}`;
    expect(shown).toContain('HttpRegistryClient');
    expect(shown).not.toContain(secret);
    expect(shown).not.toContain(Buffer.from(`alice:${secret}`).toString('base64'));
  });

  it('basic registry without credentials → AuthenticationError credentials-required', async () => {
    const client = new HttpRegistryClient(fast);
    const error = await client
      .getManifest(`${regs.basic.host}/${uniqueRepo()}:v1`)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).reason).toBe('credentials-required');
  });
});
