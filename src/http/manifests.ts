import { DigestMismatchError } from '../errors/digest-mismatch-error.js';
import { ManifestTooLargeError } from '../errors/manifest-too-large-error.js';
import { log } from '../logger.js';
import { algorithmOf, digestOf } from '../manifest/digest.js';
import { MediaTypes, normalizeMediaType } from '../manifest/media-types.js';
import { type ImageReference, parseImageReference } from '../manifest/reference.js';
import type { FetchedManifest } from '../manifest/types.js';
import type { ManifestHead, PutManifestOptions, RequestOptions } from '../registry/client.js';
import { MAX_ERROR_BODY_BYTES } from './body.js';
import type { Session } from './session.js';
import type { TransportResponse } from './transport.js';

const ACCEPT_MANIFESTS = MediaTypes.ALL_MANIFESTS.join(', ');
const GENERIC_CONTENT_TYPES = new Set([
  '',
  'application/json',
  'text/plain',
  'application/octet-stream',
]);

/**
 * Manifests over the distribution API (`/v2/<repository>/manifests/<reference>`): exact
 * bytes, digests checked by their own algorithm, size caps, preconditions. The behaviour
 * each method promises is documented on {@link HttpRegistryClient}.
 */
export class Manifests {
  constructor(
    private readonly session: Session,
    private readonly maxBytes: number,
  ) {}

  /** `GET`: the bytes, checked against the digest asked for and `docker-content-digest`. */
  async get(image: string, options: RequestOptions): Promise<FetchedManifest> {
    const ref = parseImageReference(image);
    if (ref.digest !== undefined) algorithmOf(ref.digest); // checkable, before any request
    return this.session.call(options, async (ctx) => {
      const { response, url } = await this.session.request(
        ref,
        {
          method: 'GET',
          path: manifestPath(ref),
          actions: ['pull'],
          headers: { Accept: ACCEPT_MANIFESTS },
          maxBytes: this.maxBytes,
        },
        ctx,
      );
      const { body } = response;
      const bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
      const digest = checkDigests(ref, bytes, response, url);
      return { bytes, mediaType: mediaTypeOf(response, bytes), digest };
    });
  }

  /** `HEAD`, or a {@link get} when the registry answers 405 or gives no checkable digest. */
  async head(image: string, options: RequestOptions): Promise<ManifestHead> {
    const ref = parseImageReference(image);
    const head = await this.session.call(options, async (ctx) => {
      const { response } = await this.session.request(
        ref,
        {
          method: 'HEAD',
          path: manifestPath(ref),
          actions: ['pull'],
          headers: { Accept: ACCEPT_MANIFESTS },
          maxBytes: MAX_ERROR_BODY_BYTES,
          truncate: true,
        },
        ctx,
        [405],
      );
      if (response.status === 405) return undefined;
      const digest = response.headers['docker-content-digest'] ?? ref.digest;
      if (digest === undefined || !isCheckable(digest)) return undefined; // GET checks it
      if (ref.digest !== undefined && digest !== ref.digest) return undefined; // trust bytes, not headers
      const length = Number(response.headers['content-length']);
      const contentType = normalizeMediaType(response.headers['content-type'] ?? '');
      return {
        digest,
        mediaType: GENERIC_CONTENT_TYPES.has(contentType) ? undefined : contentType,
        size:
          Number.isFinite(length) && response.headers['content-length'] !== undefined
            ? length
            : undefined,
      } satisfies ManifestHead;
    });
    if (head) return head;
    const fetched = await this.get(image, options);
    return { digest: fetched.digest, mediaType: fetched.mediaType, size: fetched.bytes.byteLength };
  }

  /** `PUT` of `bytes` as they are; a PUT to a tag is sent once, never retried. */
  async put(
    image: string,
    bytes: Uint8Array,
    mediaType: string,
    options: PutManifestOptions,
  ): Promise<string> {
    const ref = parseImageReference(image);
    const digest = digestOf(bytes, ref.digest ?? 'sha256');
    const url = this.session.urlFor(ref, manifestPath(ref));
    if (bytes.byteLength > this.maxBytes) {
      throw new ManifestTooLargeError({
        reference: `${ref}`,
        size: bytes.byteLength,
        limit: this.maxBytes,
        method: 'PUT',
        url,
      });
    }
    if (ref.digest !== undefined && digest !== ref.digest) {
      throw new DigestMismatchError({
        expected: ref.digest,
        actual: digest,
        source: 'reference',
        reference: `${ref}`,
        method: 'PUT',
        url,
      });
    }
    return this.session.call(options, async (ctx) => {
      const { response, url: finalUrl } = await this.session.request(
        ref,
        {
          method: 'PUT',
          path: manifestPath(ref),
          actions: ['pull', 'push'],
          headers: { 'Content-Type': mediaType, ...preconditionHeaders(options) },
          body: bytes,
          maxBytes: MAX_ERROR_BODY_BYTES,
          truncate: true,
          ...(ref.digest === undefined ? { retry: false } : {}),
        },
        ctx,
      );
      const answered = response.headers['docker-content-digest'];
      if (answered !== undefined && answered !== digestOf(bytes, answered)) {
        throw new DigestMismatchError({
          expected: digest,
          actual: answered,
          source: 'push-response',
          reference: `${ref}`,
          method: 'PUT',
          url: finalUrl,
        });
      }
      log(this.session.logger, 'debug', `Pushed ${mediaType} ${digest} to ${ref}`);
      return digest;
    });
  }
}

/** `If-Match: "<digest>"` and `If-None-Match: <value>`, for the options given. */
function preconditionHeaders(options: PutManifestOptions): Record<string, string> {
  return {
    ...(options.ifMatch !== undefined ? { 'If-Match': `"${options.ifMatch}"` } : {}),
    ...(options.ifNoneMatch !== undefined ? { 'If-None-Match': options.ifNoneMatch } : {}),
  };
}

/**
 * Checks fetched bytes against the digest asked for and the `docker-content-digest` header,
 * each with its own algorithm; returns the manifest's digest.
 */
function checkDigests(
  ref: ImageReference,
  bytes: Uint8Array,
  response: TransportResponse,
  url: string,
): string {
  const header = response.headers['docker-content-digest'];
  if (ref.digest !== undefined) {
    const digest = digestOf(bytes, ref.digest);
    if (digest !== ref.digest) {
      throw new DigestMismatchError({
        expected: ref.digest,
        actual: digest,
        source: 'reference',
        reference: `${ref}`,
        method: 'GET',
        url,
      });
    }
  }
  if (header !== undefined) {
    const actual = digestOf(bytes, header);
    if (actual !== header) {
      throw new DigestMismatchError({
        expected: header,
        actual,
        source: 'header',
        reference: `${ref}`,
        method: 'GET',
        url,
      });
    }
  }
  return ref.digest ?? digestOf(bytes, 'sha256');
}

/** True for a digest of an algorithm this client can check. */
function isCheckable(digest: string): boolean {
  try {
    algorithmOf(digest);
    return true;
  } catch {
    return false;
  }
}

function manifestPath(ref: ImageReference): string {
  return `/v2/${ref.repository}/manifests/${ref.identifier}`;
}

/** The Content-Type without parameters, else (a generic one) the body's `mediaType`. */
function mediaTypeOf(response: TransportResponse, bytes: Uint8Array): string {
  const contentType = normalizeMediaType(response.headers['content-type'] ?? '');
  if (!GENERIC_CONTENT_TYPES.has(contentType)) return contentType;
  try {
    const body = JSON.parse(Buffer.from(bytes).toString('utf8')) as { mediaType?: unknown };
    if (typeof body?.mediaType === 'string' && body.mediaType) return body.mediaType;
  } catch {
    // not JSON: keep the Content-Type
  }
  return contentType || 'application/octet-stream';
}
