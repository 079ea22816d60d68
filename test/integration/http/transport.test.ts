// HTTPS by default, an extra CA, and `insecure` hosts, for real: a TLS (or plain) front on
// this machine's own host name, which is not a loopback *name*, in front of the anonymous
// registry. Skipped when the host name does not resolve.
import { execFileSync } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RegistryError } from '../../../src/errors/index.js';
import { HttpRegistryClient } from '../../../src/http/http-registry-client.js';
import type { RequestEvent } from '../../../src/http/request-event.js';
import { isLoopbackHost } from '../../../src/manifest/reference.js';
import { type PushedList, pushList } from '../../support/images.js';
import { uniqueRepo } from '../../support/registry.js';

const regs = inject('registries');
const name = hostname().toLowerCase();
const address = await lookup(name).then(
  (r) => r.address,
  () => undefined,
);
const usable = address !== undefined && !isLoopbackHost(name) && /^[a-z0-9.-]+$/.test(name);

function forwarder(upstream: URL, seen: string[]) {
  return (req: IncomingMessage, res: ServerResponse) => {
    seen.push(`${req.method} ${req.url}`);
    const up = http.request(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  };
}

function listen(server: http.Server | https.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, address, () => resolve((server.address() as AddressInfo).port)),
  );
}

describe.skipIf(!usable)(`HTTPS and insecure hosts (via ${name})`, () => {
  let dir: string;
  let certPem: string;
  let tls: https.Server;
  let plain: http.Server;
  let tlsPort: number;
  let plainPort: number;
  const tlsSeen: string[] = [];
  const plainSeen: string[] = [];
  let repo: string;
  let list: PushedList;
  const fast = { retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 }, timeout: 3_000 };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mlm-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-subj',
        `/CN=${name}`,
        '-addext',
        `subjectAltName=DNS:${name}`,
      ],
      { stdio: 'ignore' },
    );
    certPem = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const upstream = new URL(regs.anonymous.url);
    tls = https.createServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: certPem },
      forwarder(upstream, tlsSeen),
    );
    plain = http.createServer(forwarder(upstream, plainSeen));
    tlsPort = await listen(tls);
    plainPort = await listen(plain);
    repo = uniqueRepo();
    list = await pushList(regs.anonymous, repo, 'v1', { platforms: ['linux/amd64'] });
  });
  afterAll(async () => {
    tls?.closeAllConnections();
    plain?.closeAllConnections();
    await new Promise((r) => tls?.close(r));
    await new Promise((r) => plain?.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('speaks HTTPS to a non-loopback host and refuses an unknown CA without retrying', async () => {
    const events: RequestEvent[] = [];
    const client = new HttpRegistryClient({ ...fast, onRequest: (e) => events.push(e) });
    const error = await client
      .getManifest(`${name}:${tlsPort}/${repo}:v1`)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect(String((error as RegistryError).message)).toMatch(/SELF_SIGNED|certificate/i);
    expect(events).toHaveLength(1);
    expect(events[0]?.url).toMatch(/^https:\/\//);
  });

  it('trusts an extra CA given with `ca`', async () => {
    const client = new HttpRegistryClient({ ...fast, ca: certPem });
    const fetched = await client.getManifest(`${name}:${tlsPort}/${repo}:v1`);
    expect(fetched.digest).toBe(list.digest);
    expect(tlsSeen.some((l) => l.includes(`/v2/${repo}/manifests/v1`))).toBe(true);
    client.close();
  });

  it('speaks plain HTTP only to hosts marked insecure', async () => {
    const strict = new HttpRegistryClient(fast);
    await expect(strict.getManifest(`${name}:${plainPort}/${repo}:v1`)).rejects.toBeInstanceOf(
      RegistryError,
    );
    const lax = new HttpRegistryClient({ ...fast, insecure: [name] });
    const fetched = await lax.getManifest(`${name}:${plainPort}/${repo}:v1`);
    expect(fetched.digest).toBe(list.digest);
    lax.close();
  });
});
