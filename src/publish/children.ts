import { DigestMismatchError } from '../errors/digest-mismatch-error.js';
import { NestingTooDeepError } from '../errors/nesting-too-deep-error.js';
import { UnsupportedOperationError } from '../errors/unsupported-operation-error.js';
import { algorithmOf, digestOf } from '../manifest/digest.js';
import { registryOf, repositoryKey, withDigest } from '../manifest/reference.js';
import type { Descriptor, FetchedManifest, ManifestDescriptor } from '../manifest/types.js';
import { headOrGet, unlessNotFound } from '../registry/capabilities.js';
import type { RegistryClient } from '../registry/client.js';
import { linkSignals } from '../util/signals.js';
import { sleep } from '../util/sleep.js';
import { Limiter, mapLimit } from '../util/worker-pool.js';
import { BlobLedger } from './blob-ledger.js';
import { readChildManifest } from './child-manifest.js';
import type { TagRequest } from './request.js';

/** How many levels of nested indexes a children copy follows below the list, by default. */
export const DEFAULT_MAX_INDEX_DEPTH = 8;

/** Where children are looked for and copied from and to. */
export interface ChildrenContext {
  srcClient: RegistryClient;
  srcImage: string;
  destClient: RegistryClient;
  destImage: string;
  /** Bound on concurrent existence checks, manifest copies and blob transfers. */
  concurrency: number;
  signal?: AbortSignal | undefined;
  /**
   * One bound shared by every request of a copy, however deeply indexes nest. Set by
   * {@link copyChildren} when not given; give one to bound several copies together (the
   * referrers of a list's children). Without it each call bounds its own fan-out by
   * `concurrency`.
   */
  limiter?: Limiter | undefined;
  /**
   * How many levels of nested indexes {@link copyChildren} follows below the list: a child
   * that is an index is level 1, an index it names level 2, and so on. An index deeper than
   * this is a {@link NestingTooDeepError}. Each level's bytes are held until its children
   * are copied, so this bounds a copy's memory.
   * @default 8
   */
  maxIndexDepth?: number | undefined;
  /**
   * The blobs already brought into the destination repository, or being brought, by this
   * write: give one to several copies into one repository (the children, then their
   * referrers), so that each blob is transferred once. Without it each call keeps its own.
   */
  blobs?: BlobLedger | undefined;
}

/** The copy context of one write: one bound and one blob ledger for all it copies. */
export type WriteCopyContext = ChildrenContext & { limiter: Limiter; blobs: BlobLedger };

/**
 * The children context of a write to the destination tag: its clients, images and settings,
 * with one {@link Limiter} on requests in flight and one {@link BlobLedger} for everything
 * the write copies (its children and their referrers).
 */
export function childrenContextOf(request: TagRequest): WriteCopyContext {
  const { srcClient, srcImage, destClient, destImage, settings, call } = request;
  return {
    srcClient,
    srcImage,
    destClient,
    destImage,
    concurrency: settings.copyConcurrency,
    maxIndexDepth: settings.maxIndexDepth,
    signal: call.signal,
    limiter: new Limiter(settings.copyConcurrency),
    blobs: new BlobLedger(),
  };
}

/** What a children copy did. */
export interface CopyReport {
  /** Digests of the manifests copied (children first, then the lists that name them). */
  manifests: string[];
  /** Blobs mounted from the source repository (same registry). */
  mountedBlobs: number;
  /** Blobs streamed from the source and uploaded. */
  uploadedBlobs: number;
  /**
   * Blobs the destination already held. A blob an earlier copy of the same write (an earlier
   * round, the children before their referrers) brought is counted there, not again.
   */
  presentBlobs: number;
}

/**
 * Whether the repository of `image` holds the manifest `digest` (HEAD, or GET without it; a
 * HEAD's 404 or 403 is confirmed with a GET).
 */
export async function manifestExists(
  client: RegistryClient,
  image: string,
  digest: string,
  signal?: AbortSignal,
): Promise<boolean> {
  const head = await unlessNotFound(() => headOrGet(client, withDigest(image, digest), { signal }));
  return head !== undefined;
}

/**
 * The entries of `manifests` whose digest the destination repository lacks, in list order,
 * each digest once. Digests in `known` are taken as present without asking.
 */
export async function findMissingChildren(
  manifests: readonly ManifestDescriptor[],
  known: ReadonlySet<string>,
  ctx: ChildrenContext,
): Promise<ManifestDescriptor[]> {
  const seen = new Set<string>();
  const candidates = manifests.filter((d) => {
    if (known.has(d.digest) || seen.has(d.digest)) return false;
    seen.add(d.digest);
    return true;
  });
  // A child of an algorithm we cannot check could not be copied: refused before any request.
  for (const d of candidates) algorithmOf(d.digest);
  const present = await mapLimit(
    candidates,
    ctx.concurrency,
    (d) => {
      const check = () => manifestExists(ctx.destClient, ctx.destImage, d.digest, ctx.signal);
      return ctx.limiter ? ctx.limiter.run(check) : check();
    },
    { signal: ctx.signal },
  );
  return candidates.filter((_, index) => !present[index]);
}

/**
 * Copies the given manifests (and everything they name: nested indexes recurse, image
 * manifests bring their config and layers) from the source repository into the destination
 * repository. Blobs the destination holds are skipped; on one registry they are mounted
 * (a refused mount falls back to an upload); across registries they are streamed from a GET
 * into an upload, never held whole in memory. Each manifest is then PUT by digest with its
 * exact bytes. Work runs in parallel within `ctx.concurrency`. Each manifest is checked
 * against its digest by the digest's own algorithm (`sha256`, `sha512`) and copied once, however
 * many indexes name it; of a fetched index only the descriptors it names are kept while its
 * children are copied.
 *
 * @throws {UnsupportedOperationError} when a blob must be copied and a client lacks the method.
 * @throws {InvalidDigestError} (`unsupported-algorithm`) for a digest of another algorithm (before fetching it).
 * @throws {DigestMismatchError} when a fetched manifest does not match its digest.
 * @throws {InvalidChildManifestError} when a fetched manifest is not one the copy can follow.
 * @throws {NestingTooDeepError} past `ctx.maxIndexDepth` levels of nested indexes.
 */
export async function copyChildren(
  children: readonly Descriptor[],
  outer: ChildrenContext,
): Promise<CopyReport> {
  // The first failure aborts everything still in flight, and the copy settles before it
  // rejects: no blob or manifest is written behind a merge that already failed.
  const stop = new AbortController();
  const signal = linkSignals(outer.signal, stop.signal);
  const limiter = outer.limiter ?? new Limiter(outer.concurrency);
  const ctx: ChildrenContext = { ...outer, signal, limiter };
  const halt = (error: unknown): void => {
    if (!stop.signal.aborted) stop.abort(error);
  };
  const report: CopyReport = { manifests: [], mountedBlobs: 0, uploadedBlobs: 0, presentBlobs: 0 };
  const blobs = outer.blobs ?? new BlobLedger();
  const manifests = new Map<string, Promise<void>>();
  const maxDepth = outer.maxIndexDepth ?? DEFAULT_MAX_INDEX_DEPTH;
  const sameRegistry = registryOf(ctx.srcImage) === registryOf(ctx.destImage);
  const sameRepository = repositoryKey(ctx.srcImage) === repositoryKey(ctx.destImage);

  const ensureBlob = (blob: Descriptor): Promise<void> => {
    const pending = blobs.ensure(blob.digest, () => limiter.run(() => transferBlob(blob)));
    pending.catch(halt);
    return pending;
  };

  const transferBlob = async (blob: Descriptor): Promise<void> => {
    const { srcClient, destClient, srcImage, destImage } = ctx;
    signal.throwIfAborted();
    if (sameRepository) {
      report.presentBlobs++;
      return;
    }
    if (destClient.hasBlob && (await destClient.hasBlob(destImage, blob.digest, { signal }))) {
      report.presentBlobs++;
      return;
    }
    if (sameRegistry && destClient.mountBlob) {
      try {
        if (await destClient.mountBlob(destImage, blob.digest, srcImage, { signal })) {
          report.mountedBlobs++;
          return;
        }
      } catch (error) {
        // The destination's credentials may not read the source repository (two robots on
        // one registry): stream it through the source client instead.
        if (!isAccessRefusal(error)) throw error;
      }
    }
    if (!srcClient.getBlob)
      throw new UnsupportedOperationError({
        method: 'getBlob',
        purpose: `copy blob ${blob.digest}`,
      });
    if (!destClient.putBlob)
      throw new UnsupportedOperationError({
        method: 'putBlob',
        purpose: `copy blob ${blob.digest}`,
      });
    const content = await srcClient.getBlob(srcImage, blob.digest, { signal });
    try {
      await destClient.putBlob(destImage, blob.digest, content, { signal });
    } finally {
      // An upload that failed before reading its input must not leave the download open.
      (content.stream as { destroy?: () => void }).destroy?.();
    }
    report.uploadedBlobs++;
  };

  /** Copies `digest` (at `depth` below the list) once, however many indexes name it. */
  const copyManifest = (digest: string, depth: number): Promise<void> => {
    let pending = manifests.get(digest);
    if (!pending) {
      pending = copyOneManifest(digest, depth);
      manifests.set(digest, pending);
    }
    return pending;
  };

  const copyOneManifest = async (digest: string, depth: number): Promise<void> => {
    const { srcClient, destClient, srcImage, destImage } = ctx;
    algorithmOf(digest); // an algorithm we cannot check: refused before any request
    const fetched: FetchedManifest = await limiter.run(() =>
      srcClient.getManifest(withDigest(srcImage, digest), { signal }),
    );
    const actual = digestOf(fetched.bytes, digest);
    if (actual !== digest) {
      throw new DigestMismatchError({
        expected: digest,
        actual,
        source: 'reference',
        reference: srcImage,
        method: 'GET',
      });
    }
    const content = readChildManifest(fetched, digest, srcImage);
    if (content.kind === 'index') {
      if (depth > maxDepth) {
        throw new NestingTooDeepError({ digest, image: srcImage, limit: maxDepth });
      }
      const missing = await findMissingChildren(content.manifests, new Set(), ctx);
      await mapLimit(missing, ctx.concurrency, (child) => copyManifest(child.digest, depth + 1), {
        signal,
        onFailure: halt,
      });
    } else {
      const settled = await Promise.allSettled(content.blobs.map(ensureBlob));
      const failed = settled.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
    await putByDigest(destClient, withDigest(destImage, digest), fetched, limiter, signal);
    report.manifests.push(digest);
  };

  try {
    await mapLimit(children, ctx.concurrency, (child) => copyManifest(child.digest, 1), {
      signal: outer.signal,
      onFailure: halt,
    });
  } catch (error) {
    // Report the failure that stopped the copy, not the aborts it caused.
    throw stop.signal.aborted ? stop.signal.reason : error;
  }
  return report;
}

/** A 401/403 or an authentication failure: the credentials may not do this here. */
function isAccessRefusal(error: unknown): boolean {
  const e = error as { status?: unknown; isAuthenticationFailure?: unknown } | null;
  return e?.isAuthenticationFailure === true || e?.status === 401 || e?.status === 403;
}

/** Further tries of a manifest PUT by digest that the registry refused as racing a blob write. */
const RACED_PUT_RETRIES = 3;

/**
 * PUTs a copied manifest by digest. Its bytes were checked against the digest and its blobs
 * are in the repository, so a 400 `DIGEST_INVALID` or `MANIFEST_BLOB_UNKNOWN` is a registry
 * that read a blob's link file while another writer rewrote it (CNCF distribution, two
 * processes bringing one blob into one repository at once): the PUT, idempotent by digest, is
 * tried again after a short back-off, at most {@link RACED_PUT_RETRIES} times.
 */
async function putByDigest(
  client: RegistryClient,
  image: string,
  fetched: FetchedManifest,
  limiter: Limiter,
  signal: AbortSignal,
): Promise<void> {
  for (let retry = 0; ; retry++) {
    try {
      await limiter.run(() => {
        signal.throwIfAborted();
        return client.putManifest(image, fetched.bytes, fetched.mediaType, { signal });
      });
      return;
    } catch (error) {
      if (retry >= RACED_PUT_RETRIES || !racedBlobWrite(error)) throw error;
      await sleep(25 * 2 ** retry + Math.random() * 25, { signal });
    }
  }
}

/** A 400 naming a blob as invalid or unknown: what a PUT racing a link-file write gets. */
function racedBlobWrite(error: unknown): boolean {
  const e = error as { status?: unknown; registryCodes?: unknown } | null;
  if (e?.status !== 400 || !Array.isArray(e.registryCodes)) return false;
  return e.registryCodes.some((c) => c === 'DIGEST_INVALID' || c === 'MANIFEST_BLOB_UNKNOWN');
}
