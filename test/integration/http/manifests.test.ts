// What HttpRegistryClient checks of a manifest it reads or pushes (src/http/manifests.ts),
// through the fault proxy: bodies that do not match their digest (header, reference, push
// response), and a media type taken from the body when Content-Type is generic.
import { describe, expect, it } from 'vitest';
import { DigestMismatchError } from '../../../src/errors/index.js';
import { isNotFoundError } from '../../../src/registry/client.js';
import {
  image,
  list,
  MANIFESTS,
  proxy,
  repo,
  useProxiedTokenRegistry,
  warmClient,
} from '../../support/proxied-registry.js';

useProxiedTokenRegistry();

describe('integrity', () => {
  it('a body that does not match its docker-content-digest → DigestMismatchError', async () => {
    const { client: c } = await warmClient();
    const tampered = Buffer.from(list.bytes.toString('utf8').replace('amd64', 'riscv'));
    proxy.addFault({ method: 'GET', path: MANIFESTS, action: 'replace-body', body: tampered });
    const error = await c.getManifest(image()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect((error as DigestMismatchError).source).toBe('header');
    expect((error as DigestMismatchError).expected).toBe(list.digest);
    expect(isNotFoundError(error)).toBe(false);
  });

  it('a body that does not match the digest asked for → DigestMismatchError', async () => {
    const { client: c } = await warmClient();
    const tampered = Buffer.from(list.bytes.toString('utf8').replace('amd64', 'riscv'));
    proxy.addFault({
      method: 'GET',
      path: MANIFESTS,
      action: 'respond',
      status: 200,
      headers: { 'content-type': list.mediaType },
      body: tampered,
    });
    const error = await c
      .getManifest(`${proxy.host}/${repo}@${list.digest}`)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect((error as DigestMismatchError).source).toBe('reference');
  });

  it('a PUT answered with another digest → DigestMismatchError', async () => {
    const { client: c } = await warmClient();
    proxy.addFault({
      method: 'PUT',
      path: MANIFESTS,
      action: 'respond',
      status: 201,
      headers: { 'docker-content-digest': `sha256:${'0'.repeat(64)}` },
    });
    const error = await c
      .putManifest(`${proxy.host}/${repo}:v9`, list.bytes, list.mediaType)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect((error as DigestMismatchError).source).toBe('push-response');
  });

  it('takes the media type from the body when Content-Type is generic', async () => {
    const { client: c } = await warmClient();
    const body = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: list.mediaType, manifests: [] }),
    );
    proxy.addFault({
      method: 'GET',
      path: MANIFESTS,
      action: 'respond',
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body,
    });
    const fetched = await c.getManifest(image());
    expect(fetched.mediaType).toBe(list.mediaType);
  });
});
