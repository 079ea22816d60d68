// Hostile inputs against credentials (src/http/auth/): a redirect target's challenge is never
// answered with the registry's credentials, and the secrets a registry echoes back are scrubbed.
// The rows and their uniform assertions: test/support/hostile-suite.ts.
import { expect } from 'vitest';
import type { RegistryError } from '../../../../src/errors/index.js';
import type { HttpRegistryClientOptions } from '../../../../src/http/options.js';
import {
  challenge,
  redirect,
  registryError,
  respond,
  tokenEndpoint,
} from '../../../support/hostile-server.js';
import {
  ACCESS_KEY,
  BASIC,
  BLOB_DIGEST,
  BLOBS,
  bearerRealm,
  type Env,
  hostileRows,
  hostileServers,
  IDENTITY,
  JWT,
  MANIFEST,
  MANIFESTS,
  PASSWORD,
  REFRESH,
  type Row,
  SIGNATURE,
  USER,
} from '../../../support/hostile-suite.js';

const env = hostileServers();

const rows: Row[] = [
  // 1. Credentials reach an origin chosen by a redirect target.
  ...(
    [
      ['username/password', () => ({})],
      [
        "Docker config 'auths'",
        (env: Env): HttpRegistryClientOptions => ({
          username: undefined,
          password: undefined,
          dockerConfig: { auths: { [env.a.host]: { auth: BASIC } } },
        }),
      ],
    ] as const
  ).map(
    ([source, options]): Row => ({
      item: '1',
      name: `a redirect target's Bearer challenge naming a third origin is not answered (${source})`,
      code: 'AUTHENTICATION_FAILED',
      reason: 'foreign-challenge',
      run: (env) => {
        env.a.route({ path: MANIFESTS, handle: redirect(`${env.b.url}/storage/manifest`, 307) });
        env.b.route({ handle: challenge(bearerRealm(env)) });
        env.c.route({ handle: tokenEndpoint(JWT) });
        return env.client(options(env)).getManifest(env.image());
      },
      check: async (env) => {
        expect(env.c.requests).toEqual([]); // the realm never saw the credentials
        expect(env.b.requests.every((r) => !r.hasAuthorization)).toBe(true);
      },
    }),
  ),
  {
    item: '1',
    name: "a redirect target's challenge is not remembered for the registry",
    code: 'AUTHENTICATION_FAILED',
    reason: 'foreign-challenge',
    run: async (env) => {
      env.a.route({ path: MANIFESTS, times: 1, handle: redirect(`${env.b.url}/x`, 307) });
      env.a.route({ path: MANIFESTS, handle: respond(200, { body: MANIFEST }) });
      env.b.route({ handle: challenge(bearerRealm(env)) });
      env.c.route({ handle: tokenEndpoint(JWT) });
      const client = env.client();
      const error = await client.getManifest(env.image()).catch((e: unknown) => e);
      // The next call goes straight to the registry: no token asked from the third origin.
      await client.getManifest(env.image());
      expect(env.c.requests).toEqual([]);
      expect(env.a.requests.map((r) => r.hasAuthorization)).toEqual([false, false]);
      throw error;
    },
  },
  {
    item: '1',
    name: "a redirect target's Basic challenge is not answered",
    code: 'AUTHENTICATION_FAILED',
    reason: 'foreign-challenge',
    run: (env) => {
      env.a.route({ path: MANIFESTS, handle: redirect(`${env.b.url}/x`, 302) });
      env.b.route({ handle: challenge('Basic realm="storage"') });
      return env.client().getManifest(env.image());
    },
    check: (env) => {
      expect(env.a.requests).toHaveLength(1);
      expect(env.b.requests.every((r) => !r.hasAuthorization)).toBe(true);
    },
  },

  // 2. Secrets a registry echoes back.
  {
    item: '2',
    name: 'a Basic registry echoing the Authorization value, the base64 pair and the password',
    code: 'REGISTRY_ERROR',
    run: (env) => {
      env.a.route({ authorized: false, handle: challenge('Basic realm="registry"') });
      env.a.route({
        handle: registryError(
          400,
          'DENIED',
          (ctx) =>
            `bad header ${ctx.authorization}; pair ${BASIC}; user ${USER} password ${PASSWORD}; pw=${encodeURIComponent(PASSWORD)}`,
        ),
      });
      return env.client().getManifest(env.image());
    },
    check: (_env, error) => {
      expect((error as RegistryError).status).toBe(400);
      expect((error as RegistryError).registryCodes).toEqual(['DENIED']);
      expect(error.message).toContain('bad header'); // the registry's text is kept, scrubbed
    },
  },
  {
    item: '2',
    name: 'a Bearer registry echoing the granted JWT and refresh token bare',
    code: 'REGISTRY_ERROR',
    run: (env) => {
      env.a.route({ authorized: false, handle: challenge(bearerRealm(env)) });
      env.a.route({
        handle: registryError(403, 'DENIED', `token ${JWT} (refresh ${REFRESH}) has no access`),
      });
      env.c.route({ handle: tokenEndpoint(JWT, REFRESH) });
      return env.client().getManifest(env.image());
    },
    check: (env) => {
      expect(env.c.requests).toHaveLength(1); // the registry's own realm: credentials allowed
    },
  },
  {
    item: '2',
    name: 'a registry echoing an identity token and the token it was exchanged for',
    code: 'REGISTRY_ERROR',
    run: (env) => {
      env.a.route({ authorized: false, handle: challenge(bearerRealm(env)) });
      env.a.route({
        handle: registryError(400, 'DENIED', `identity ${IDENTITY} gave ${JWT}`),
      });
      env.c.route({ method: 'POST', handle: tokenEndpoint(JWT) });
      return env
        .client({
          username: undefined,
          password: undefined,
          credentials: () => ({ identityToken: IDENTITY }),
        })
        .getManifest(env.image());
    },
  },
  {
    item: '2',
    name: 'a presigned storage URL in the error and the logs loses its query',
    code: 'REGISTRY_ERROR',
    run: (env) => {
      env.a.route({
        path: BLOBS,
        handle: redirect(
          (ctx) =>
            `${env.b.url}/bucket/blob?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${ACCESS_KEY}%2F20260101&X-Amz-Signature=${SIGNATURE}&from=${ctx.record.path}`,
        ),
      });
      env.b.route({ handle: respond(403, { body: '<Error><Code>AccessDenied</Code></Error>' }) });
      return env.client().getBlob(env.image(), BLOB_DIGEST);
    },
    check: (env, error) => {
      expect((error as RegistryError).status).toBe(403);
      expect(error.message).toContain(`redirected to ${env.b.url}/bucket/blob?<redacted>`);
      expect(env.lines.some((l) => l.includes('/bucket/blob?<redacted>'))).toBe(true);
    },
  },
];

hostileRows(rows, env);
