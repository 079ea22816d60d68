// A RegistryClient of your own, over Node's fetch: the two required methods, the optional
// HEAD, "not found" signalled by `status`, and the caller's AbortSignal passed through.
import {
  computeDigest,
  type FetchedManifest,
  type ManifestHead,
  MediaTypes,
  normalizeMediaType,
  parseImageReference,
  type RegistryClient,
  type RequestOptions,
} from '../../src/index.js';

/** An HTTP failure. `status` 404 tells the merger "no such manifest" (see isNotFoundError). */
export class HttpStatusError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** Set on a 401 that means "your credentials failed", so it never passes for "absent". */
    readonly isAuthenticationFailure = false,
  ) {
    super(message);
  }
}

export interface FetchClientOptions {
  /** A bearer token for every request (e.g. a CI token); anonymous without it. */
  token?: string;
  /** Speak plain HTTP (a registry on localhost); HTTPS otherwise. */
  plainHttp?: boolean;
}

export class FetchRegistryClient implements RegistryClient {
  constructor(private readonly options: FetchClientOptions = {}) {}

  async getManifest(image: string, { signal }: RequestOptions = {}): Promise<FetchedManifest> {
    const res = await this.#send('GET', image, { signal });
    // The exact bytes: never JSON.parse + JSON.stringify (that changes the digest).
    const bytes = new Uint8Array(await res.arrayBuffer());
    const digest = computeDigest(bytes);
    const announced = res.headers.get('docker-content-digest');
    if (announced !== null && announced !== digest) {
      throw new Error(`${image}: the registry sent bytes of ${digest}, announced ${announced}`);
    }
    const mediaType = normalizeMediaType(res.headers.get('content-type') ?? '');
    return { bytes, mediaType, digest };
  }

  async putManifest(
    image: string,
    bytes: Uint8Array,
    mediaType: string,
    { signal }: RequestOptions = {},
  ): Promise<string> {
    const res = await this.#send('PUT', image, {
      signal,
      body: bytes,
      headers: { 'Content-Type': mediaType },
    });
    return res.headers.get('docker-content-digest') ?? computeDigest(bytes);
  }

  // Optional: lets the merger check existence without downloading (cheaper, and not counted
  // against Docker Hub's pull limit). Without it the merger falls back to getManifest.
  async headManifest(image: string, { signal }: RequestOptions = {}): Promise<ManifestHead> {
    const res = await this.#send('HEAD', image, { signal });
    const digest = res.headers.get('docker-content-digest');
    if (digest === null) {
      const fetched = await this.getManifest(image, { signal });
      return { digest: fetched.digest, mediaType: fetched.mediaType, size: fetched.bytes.length };
    }
    const size = res.headers.get('content-length');
    return {
      digest,
      mediaType: normalizeMediaType(res.headers.get('content-type') ?? '') || undefined,
      size: size === null ? undefined : Number(size),
    };
  }

  async #send(
    method: 'GET' | 'HEAD' | 'PUT',
    image: string,
    init: { signal?: AbortSignal | undefined; body?: Uint8Array; headers?: Record<string, string> },
  ): Promise<Response> {
    const ref = parseImageReference(image);
    const scheme = this.options.plainHttp ? 'http' : 'https';
    const url = `${scheme}://${ref.apiHost}/v2/${ref.repository}/manifests/${ref.identifier}`;
    const headers: Record<string, string> = {
      // Name all four manifest types, or registries answer with one platform's manifest.
      Accept: MediaTypes.ALL_MANIFESTS.join(', '),
      ...init.headers,
    };
    if (this.options.token) headers['Authorization'] = `Bearer ${this.options.token}`;
    // The signal goes to fetch: aborting the merge cancels this request at once.
    const res = await fetch(url, {
      method,
      headers,
      signal: init.signal ?? null,
      ...(init.body ? { body: init.body } : {}),
    });
    if (res.ok) return res;
    await res.body?.cancel();
    // 404: absent. A 401 is ambiguous (Quay answers it for a missing repository): this client
    // calls it an authentication failure, so a select never drops a destination after a bad token.
    throw new HttpStatusError(
      `${method} ${image}: HTTP ${res.status}`,
      res.status,
      res.status === 401,
    );
  }
}

/**
 * Wrapping another client: log every manifest call of `inner`. Optional methods are forwarded
 * only when `inner` has them, so the merger still sees what `inner` can do (a client without
 * the blob methods fails with UnsupportedOperationError only when a copy really needs one).
 */
export function logged(inner: RegistryClient, log: (line: string) => void): RegistryClient {
  const client: RegistryClient = {
    getManifest(image, options) {
      log(`GET ${image}`);
      return inner.getManifest(image, options);
    },
    putManifest(image, bytes, mediaType, options) {
      log(`PUT ${image} (${mediaType}, ${bytes.length} bytes)`);
      return inner.putManifest(image, bytes, mediaType, options);
    },
  };
  const { headManifest, hasBlob, mountBlob, getBlob, putBlob, listReferrers } = inner;
  if (headManifest) {
    client.headManifest = (image, options) => {
      log(`HEAD ${image}`);
      return headManifest.call(inner, image, options);
    };
  }
  if (hasBlob) client.hasBlob = hasBlob.bind(inner);
  if (mountBlob) client.mountBlob = mountBlob.bind(inner);
  if (getBlob) client.getBlob = getBlob.bind(inner);
  if (putBlob) client.putBlob = putBlob.bind(inner);
  if (listReferrers) client.listReferrers = listReferrers.bind(inner);
  return client;
}
