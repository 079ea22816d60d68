// Hostile addresses, options and digests: hosts that pass the grammar but are not URLs
// (src/manifest/reference.ts), unparsable Location headers (src/http/redirects.ts), numeric
// options out of range (src/http/options.ts), digests of unknown algorithms or malformed
// (src/manifest/digest.ts): a typed error, and nothing sent where nothing may be.
// The rows and their uniform assertions: test/support/hostile-suite.ts.
import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { expect } from 'vitest';
import { InvalidOptionError, type RegistryError } from '../../../../src/errors/index.js';
import { HttpRegistryClient } from '../../../../src/http/http-registry-client.js';
import type { HttpRegistryClientOptions } from '../../../../src/http/options.js';
import { badLocation, receive, respond } from '../../../support/hostile-server.js';
import {
  BLOB,
  BLOB_DIGEST,
  hex,
  hostileRows,
  hostileServers,
  LIST,
  MANIFEST,
  MANIFESTS,
  type Row,
  UPLOADS,
} from '../../../support/hostile-suite.js';

const env = hostileServers();

const rows: Row[] = [
  // 13. Hosts that pass the grammar but are not URLs.
  ...['127.999.999.999:5000', '1.2.3.4.5:5000', '99999999999:5000', 'localhost:99999'].map(
    (host): Row => ({
      item: '13',
      name: `host ${host}`,
      code: 'INVALID_REFERENCE',
      run: (env) => env.client().getManifest(`${host}/ns/app:v1`),
    }),
  ),

  // 14. Unparsable Location headers.
  ...['http://[::1', 'http://[zz'].map(
    (location): Row => ({
      item: '14',
      name: `a redirect to ${location}`,
      code: 'REGISTRY_ERROR',
      run: (env) => {
        env.a.route({ path: MANIFESTS, handle: badLocation(307, location) });
        return env.client().getManifest(env.image());
      },
      check: (_env, error) => expect((error as RegistryError).status).toBe(307),
    }),
  ),
  {
    item: '14',
    name: 'an upload location http://[zz',
    code: 'REGISTRY_ERROR',
    run: (env) => {
      env.a.route({ method: 'POST', path: UPLOADS, handle: badLocation(202, 'http://[zz') });
      env.a.route({ method: 'PUT', handle: receive(201) });
      return env.client().putBlob(env.image(), BLOB_DIGEST, {
        size: BLOB.length,
        stream: Readable.from([BLOB]),
      });
    },
    check: (env) => expect(env.a.requests.map((r) => r.method)).toEqual(['POST']),
  },

  // 17. Numeric options.
  ...(
    [
      ['timeout', { timeout: Number.NaN }],
      ['timeout', { timeout: -1 }],
      ['timeout', { timeout: 0 }],
      ['timeout', { timeout: 2 ** 31 }],
      ['deadline', { deadline: Number.NaN }],
      ['deadline', { deadline: -5 }],
      ['maxManifestBytes', { maxManifestBytes: 1.5 }],
      ['maxManifestBytes', { maxManifestBytes: Number.POSITIVE_INFINITY }],
      ['retry.retries', { retry: { retries: Number.POSITIVE_INFINITY } }],
      ['retry.baseDelayMs', { retry: { baseDelayMs: -1 } }],
      ['retry.maxDelayMs', { retry: { maxDelayMs: Number.NaN } }],
    ] as [string, HttpRegistryClientOptions][]
  ).map(
    ([option, options]): Row => ({
      item: '17',
      name: `${option}: ${inspect(options)}`,
      code: 'INVALID_OPTION',
      run: async () => new HttpRegistryClient(options),
      check: (_env, error) => {
        expect(error).toBeInstanceOf(InvalidOptionError);
        expect((error as InvalidOptionError).option).toBe(option);
      },
    }),
  ),

  // 19. Digests by their own algorithm; unknown ones are typed errors.
  {
    item: '19',
    name: 'a docker-content-digest of an unknown algorithm',
    code: 'INVALID_DIGEST',
    reason: 'unsupported-algorithm',
    run: (env) => {
      env.a.route({
        path: MANIFESTS,
        handle: respond(200, {
          headers: { 'content-type': LIST, 'docker-content-digest': `md5:${hex(16)}` },
          body: MANIFEST,
        }),
      });
      return env.client().getManifest(env.image());
    },
  },
  {
    item: '19',
    name: 'a HEAD whose docker-content-digest has an unknown algorithm falls back to a checked GET',
    code: 'INVALID_DIGEST',
    reason: 'unsupported-algorithm',
    run: (env) => {
      const headers = { 'content-type': LIST, 'docker-content-digest': `md5:${hex(16)}` };
      env.a.route({ path: MANIFESTS, handle: respond(200, { headers, body: MANIFEST }) });
      return env.client().headManifest(env.image());
    },
    check: (env) => expect(env.a.requests.map((r) => r.method)).toEqual(['HEAD', 'GET']),
  },
  {
    item: '19',
    name: 'a digest reference of an unknown algorithm sends nothing',
    code: 'INVALID_DIGEST',
    reason: 'unsupported-algorithm',
    run: (env) => env.client().getManifest(`${env.a.host}/ns/app@sha384:${hex(48)}`),
    check: (env) => expect(env.a.requests).toEqual([]),
  },
  ...(
    [
      ['unsupported-algorithm', `sha384:${hex(48)}`],
      ['malformed', '../../../v2/other/manifests/latest'],
      ['malformed', `sha256:${hex(31)}`],
    ] as const
  ).map(
    ([reason, digest]): Row => ({
      item: '19',
      name: `getBlob of ${digest.slice(0, 24)}… sends nothing`,
      code: 'INVALID_DIGEST',
      reason,
      run: (env) => env.client().getBlob(env.image(), digest),
      check: (env) => expect(env.a.requests).toEqual([]),
    }),
  ),
];

hostileRows(rows, env);
