import { pipeline, Readable, Transform } from 'node:stream';
import { ManifestListMergerError } from '../errors/base-error.js';
import { DigestMismatchError } from '../errors/digest-mismatch-error.js';
import { RegistryError } from '../errors/registry-error.js';
import { algorithmOf, createDigester } from '../manifest/digest.js';
import { type ImageReference, parseImageReference } from '../manifest/reference.js';
import { unlessNotFound } from '../registry/capabilities.js';
import type { BlobContent, RequestOptions } from '../registry/client.js';
import { repositoryScope } from './auth/scope.js';
import { MAX_ERROR_BODY_BYTES } from './body.js';
import type { CallContext } from './call-context.js';
import type { RegistryRequest, Session } from './session.js';

/** A request whose answer's body is not used: cut, never refused for its size. */
const NO_BODY = { maxBytes: MAX_ERROR_BODY_BYTES, truncate: true } as const;

/**
 * Blobs over the distribution API (`/v2/<repository>/blobs/…`): existence, cross-repository
 * mounts, streamed downloads checked against their digest, streamed monolithic uploads. The
 * behaviour each method promises is documented on {@link HttpRegistryClient}.
 */
export class Blobs {
  constructor(private readonly session: Session) {}

  /** `HEAD`: a refusal after accepted credentials counts as "no", like a 404. */
  async has(image: string, digest: string, options: RequestOptions): Promise<boolean> {
    const ref = parseImageReference(image);
    algorithmOf(digest); // a malformed digest must not reach the URL
    return this.session.call(options, async (ctx) => {
      const found = await unlessNotFound(() =>
        this.session.request(
          ref,
          { method: 'HEAD', path: blobPath(ref, digest), actions: ['pull'], ...NO_BODY },
          ctx,
        ),
      );
      return found !== undefined;
    });
  }

  /** `POST …/uploads/?mount=…&from=…`: `true` when mounted (201). */
  async mount(
    image: string,
    digest: string,
    fromImage: string,
    options: RequestOptions,
  ): Promise<boolean> {
    const ref = parseImageReference(image);
    const from = parseImageReference(fromImage);
    algorithmOf(digest);
    if (from.apiHost !== ref.apiHost) return false;
    return this.session.call(options, async (ctx) => {
      const query = new URLSearchParams({ mount: digest, from: from.repository });
      const { response } = await this.session.request(
        ref,
        {
          ...UPLOAD_START,
          path: `/v2/${ref.repository}/blobs/uploads/?${query}`,
          extraScopes:
            from.repository === ref.repository ? [] : [repositoryScope(from.repository, ['pull'])],
        },
        ctx,
      );
      return response.status === 201;
    });
  }

  /** `GET`, streamed through a digest check; the call lives until the stream closes. */
  async get(image: string, digest: string, options: RequestOptions): Promise<BlobContent> {
    const ref = parseImageReference(image);
    algorithmOf(digest);
    return this.session.call(
      options,
      async (ctx) => {
        const { response, url } = await this.session.request(
          ref,
          {
            method: 'GET',
            path: blobPath(ref, digest),
            actions: ['pull'],
            maxBytes: MAX_ERROR_BODY_BYTES,
            stream: true,
          },
          ctx,
        );
        const source = response.stream ?? Readable.from([response.body]);
        const checked = digestCheck(digest, `${ref}`, url, (error) =>
          this.session.scrubError(error),
        );
        // No listener yet is no crash: the error stays on the stream (`errored`) for its reader.
        checked.on('error', () => {});
        pipeline(source, checked, () => {}); // a failure destroys `checked` with it
        const length = Number(response.headers['content-length']);
        return { size: Number.isFinite(length) ? length : -1, stream: checked };
      },
      (blob) => blob.stream as Readable,
    );
  }

  /** `POST` an upload, then one streamed `PUT …?digest=`; the caller's stream is destroyed on failure. */
  async put(
    image: string,
    digest: string,
    blob: BlobContent,
    options: RequestOptions,
  ): Promise<void> {
    const ref = parseImageReference(image);
    try {
      algorithmOf(digest);
      await this.session.call(options, (ctx) => this.upload(ref, digest, blob, ctx));
    } catch (error) {
      // A failed upload must not leave the caller's download open and paused.
      (blob.stream as { destroy?: () => void }).destroy?.();
      throw this.session.scrubError(error);
    }
  }

  private async upload(
    ref: ImageReference,
    digest: string,
    blob: BlobContent,
    ctx: CallContext,
  ): Promise<void> {
    const body = toReadable(blob.stream);
    throwIfFailed(body);
    const started = await this.session.request(
      ref,
      { ...UPLOAD_START, path: `/v2/${ref.repository}/blobs/uploads/` },
      ctx,
    );
    const uploadUrl = uploadLocation(started.response, started.url);
    uploadUrl.searchParams.set('digest', digest);
    throwIfFailed(body);
    const { response, url } = await this.session.request(
      ref,
      {
        method: 'PUT',
        path: uploadUrl.href,
        actions: ['pull', 'push'],
        headers: {
          'Content-Type': 'application/octet-stream',
          ...(blob.size >= 0 ? { 'Content-Length': String(blob.size) } : {}),
        },
        body,
        ...NO_BODY,
      },
      ctx,
    );
    const answered = response.headers['docker-content-digest'];
    if (answered !== undefined && answered !== digest) {
      throw new DigestMismatchError({
        kind: 'blob',
        expected: digest,
        actual: answered,
        source: 'push-response',
        reference: `${ref}`,
        method: 'PUT',
        url,
      });
    }
  }
}

function blobPath(ref: ImageReference, digest: string): string {
  return `/v2/${ref.repository}/blobs/${digest}`;
}

/** The `POST …/blobs/uploads/` that starts an upload or asks for a mount, but its path. */
const UPLOAD_START: Omit<RegistryRequest, 'path'> = {
  method: 'POST',
  actions: ['pull', 'push'],
  headers: { 'Content-Length': '0' },
  ...NO_BODY,
};

/** Where the registry said to upload (its `Location`, relative to the POST's URL). */
function uploadLocation(
  started: { status: number; headers: Record<string, string> },
  url: string,
): URL {
  const location = started.headers['location'];
  const details = { method: 'POST', url, status: started.status };
  if (!location) {
    throw new RegistryError({
      ...details,
      problem: `answered ${started.status} without an upload location`,
    });
  }
  try {
    return new URL(location, url);
  } catch (error) {
    throw new RegistryError({
      ...details,
      problem: `answered ${started.status} with an upload location that is not a URL`,
      cause: error,
    });
  }
}

/**
 * A pass-through that hashes what flows with the algorithm of `digest` and fails at the end
 * if it is not `digest`. The last chunk is held back until the check passes, so whatever
 * reads the stream (an upload) never receives every byte of a wrong blob. Errors it is
 * destroyed with go through `scrub` first.
 */
function digestCheck(
  digest: string,
  reference: string,
  url: string,
  scrub: (error: Error) => Error,
): Transform {
  const hasher = createDigester(digest);
  let held: Buffer | undefined;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hasher.update(chunk);
      const previous = held;
      held = chunk;
      callback(null, previous);
    },
    flush(callback) {
      const actual = hasher.digest();
      if (actual === digest) {
        callback(null, held);
        return;
      }
      callback(
        new DigestMismatchError({
          kind: 'blob',
          expected: digest,
          actual,
          source: 'reference',
          reference,
          method: 'GET',
          url,
        }),
      );
    },
    destroy(error, callback) {
      held = undefined;
      callback(error ? scrub(error) : error);
    },
  });
}

/** Throws what `body` already failed with (a download's digest check, its timeout). */
function throwIfFailed(body: Readable): void {
  const failure = body.errored;
  if (!failure) return;
  if (failure instanceof ManifestListMergerError) throw failure;
  throw new RegistryError({
    problem: `the blob to upload failed before it was sent: ${failure instanceof Error ? failure.message : String(failure)}`,
    cause: failure,
  });
}

function toReadable(stream: AsyncIterable<Uint8Array>): Readable {
  return stream instanceof Readable ? stream : Readable.from(stream, { objectMode: false });
}
