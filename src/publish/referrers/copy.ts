// Referrers follow the manifests a merge copies: found in the source repository level by
// level, copied by digest through the children copy, cosign tags written again, and the
// destination's referrers tag schema kept up to date where it has no referrers API.
import { InvalidChildManifestError } from '../../errors/invalid-child-manifest-error.js';
import { ReferrerCopyError } from '../../errors/referrer-copy-error.js';
import { type Logger, log } from '../../logger.js';
import { parseImageReference, withTag } from '../../manifest/reference.js';
import {
  type ReferrersIndexRead,
  readReferrersIndex,
  referrersIndexWith,
  referrersTagOf,
} from '../../manifest/referrers.js';
import type { Descriptor } from '../../manifest/types.js';
import { unlessNotFound } from '../../registry/capabilities.js';
import {
  isNotFoundError,
  isPreconditionFailedError,
  type RegistryClient,
} from '../../registry/client.js';
import { linkSignals } from '../../util/signals.js';
import { type Limiter, mapLimit } from '../../util/worker-pool.js';
import type { BlobLedger } from '../blob-ledger.js';
import { type ChildrenContext, copyChildren } from '../children.js';
import { askReferrersApi, type Found, type Lookup, referrersOf } from './discover.js';
import type { ReferrerSettings } from './options.js';
import type { ReferrerRecord, ReferrersReport } from './report.js';

/** How often a `sha256-<hex>` index is read again after a refused precondition (412). */
const INDEX_WRITE_ATTEMPTS = 3;

/** Where referrers are found and copied, and how. */
export interface ReferrerCopyContext {
  srcClient: RegistryClient;
  srcImage: string;
  destClient: RegistryClient;
  destImage: string;
  /** The bound on requests in flight, shared with the children copy. */
  limiter: Limiter;
  /** The blobs the write brought into the destination repository, shared with the children copy. */
  blobs: BlobLedger;
  maxIndexDepth: number;
  signal: AbortSignal | undefined;
  logger: Logger;
  settings: ReferrerSettings;
}

/** A `sha256-<hex>` index to write in the destination repository. */
interface IndexWrite {
  tag: string;
  subject: string;
  added: Descriptor[];
}

/**
 * The referrers of the manifests one merge copies, across its rounds: each subject is looked
 * up once, each referrer copied once, and what was done adds up in {@link report}.
 */
export class ReferrerCopier {
  readonly #ctx: ReferrerCopyContext;
  readonly #visited = new Set<string>();
  readonly #copied = new Set<string>();
  readonly #found: Found[] = [];
  readonly #tags: string[] = [];
  readonly #beyond: ReferrerRecord[] = [];
  readonly #kept: string[] = [];
  #used = false;
  /** Whether the destination has a referrers API (asked once). */
  #destApi: boolean | undefined;

  constructor(ctx: ReferrerCopyContext) {
    this.#ctx = ctx;
  }

  /** Whether referrers were looked for at all. */
  get used(): boolean {
    return this.#used;
  }

  /**
   * Finds the referrers of `subjects` (manifests copied into the destination, or to be) in
   * the source repository, level by level to the depth, and, when `write`, copies them:
   * their manifests and blobs by digest, then cosign's tags, then the `sha256-<hex>` indexes
   * where the destination has no referrers API. Without `write` (a dry run) only reads are
   * made, and the report says what a push would copy and write.
   *
   * @throws {ReferrerCopyError} when a referrer's blob or manifest is missing in the source.
   */
  async follow(subjects: readonly string[], write: boolean): Promise<void> {
    const fresh = subjects.filter((s) => !this.#visited.has(s));
    if (fresh.length === 0) return;
    this.#used = true;
    const stop = new AbortController();
    const signal = linkSignals(this.#ctx.signal, stop.signal);
    const halt = (error: unknown): void => {
      if (!stop.signal.aborted) stop.abort(error);
    };
    const { limiter } = this.#ctx;
    const concurrency = limiter.limit;
    try {
      const found = await this.#find(fresh, limiter, signal, halt);
      if (found.length === 0) return;
      const { copy, cosign, indexes } = await this.#plan(found, limiter, signal);
      this.#found.push(...copy);
      if (!write) {
        this.#tags.push(...cosign.map((f) => f.record.tag as string), ...indexes.map((i) => i.tag));
        return;
      }
      log(
        this.#ctx.logger,
        'info',
        `Copying ${copy.length} referrer(s) (signatures, attestations, SBOMs) into '${this.#ctx.destImage}'`,
      );
      const byDigest = [...new Map(copy.map((f) => [f.record.digest, f])).values()];
      await mapLimit(byDigest, concurrency, (f) => this.#copyManifest(f, limiter, signal), {
        signal,
        onFailure: halt,
      });
      for (const f of cosign) {
        const tag = f.record.tag as string;
        const fetched = f.fetched as NonNullable<Found['fetched']>;
        await limiter.run(() =>
          this.#ctx.destClient.putManifest(
            withTag(this.#ctx.destImage, tag),
            fetched.bytes,
            fetched.mediaType,
            { signal, ifNoneMatch: '*' },
          ),
        );
        this.#tags.push(tag);
      }
      for (const index of indexes) {
        if (await this.#writeIndex(index, signal)) this.#tags.push(index.tag);
      }
    } catch (error) {
      throw stop.signal.aborted ? stop.signal.reason : error;
    }
  }

  /** How many referrers of `digest` (at level 1) were found: copied, or to be. */
  referrersOf(digest: string): number {
    return this.#found.filter((f) => f.record.subject === digest).length;
  }

  /** What was found, copied and written so far. */
  report(): ReferrersReport {
    return {
      manifests: this.#found.map((f) => ({ ...f.record })),
      tags: [...this.#tags],
      beyondDepth: this.#beyond.map((r) => ({ ...r })),
      keptTags: [...this.#kept],
    };
  }

  /** The referrers of `subjects`, level by level; those one level past the depth are set aside. */
  async #find(
    subjects: readonly string[],
    limiter: Limiter,
    signal: AbortSignal,
    halt: (error: unknown) => void,
  ): Promise<Found[]> {
    const { srcClient, srcImage, settings, logger } = this.#ctx;
    const concurrency = limiter.limit;
    const lookup: Lookup = {
      client: srcClient,
      image: srcImage,
      limiter,
      signal,
      artifactTypes: settings.artifactTypes,
    };
    const found: Found[] = [];
    const keys = new Set(this.#found.map(keyOf));
    let frontier = [...subjects];
    for (const s of frontier) this.#visited.add(s);
    for (let level = 1; frontier.length > 0; level++) {
      const atLevel = (
        await mapLimit(frontier, concurrency, (s) => referrersOf(s, level, lookup), {
          signal,
          onFailure: halt,
        })
      ).flat();
      const fresh = atLevel.filter((f) => {
        const key = keyOf(f);
        if (keys.has(key)) return false;
        keys.add(key);
        return true;
      });
      if (level > settings.depth) {
        if (fresh.length > 0) {
          this.#beyond.push(...fresh.map((f) => f.record));
          log(
            logger,
            'warn',
            `${fresh.length} referrer(s) of '${srcImage}' are nested deeper than ${settings.depth} level(s) and were not copied: ${fresh.map((f) => f.record.digest).join(', ')} (referrers.depth)`,
          );
        }
        break;
      }
      found.push(...fresh);
      frontier = [...new Set(fresh.map((f) => f.record.digest))].filter(
        (d) => !this.#visited.has(d),
      );
      for (const d of frontier) this.#visited.add(d);
    }
    return found;
  }

  /**
   * What copying `found` takes (reads only): the manifests to copy, the cosign tags to write
   * (a tag the destination holds with other content is kept, and its manifest not copied),
   * and the `sha256-<hex>` indexes to write where the destination has no referrers API.
   */
  async #plan(
    found: readonly Found[],
    limiter: Limiter,
    signal: AbortSignal,
  ): Promise<{ copy: Found[]; cosign: Found[]; indexes: IndexWrite[] }> {
    const { destClient, destImage, logger } = this.#ctx;
    const concurrency = limiter.limit;
    const tagged = found.filter((f) => f.record.tag !== undefined);
    const held = await mapLimit(
      tagged,
      concurrency,
      (f) =>
        limiter.run(() =>
          unlessNotFound(() =>
            destClient.getManifest(withTag(destImage, f.record.tag as string), { signal }),
          ),
        ),
      { signal },
    );
    const cosign: Found[] = [];
    const skipped = new Set<Found>();
    tagged.forEach((f, i) => {
      const there = held[i];
      if (there === undefined) cosign.push(f);
      else if (there.digest !== f.record.digest) {
        skipped.add(f);
        this.#kept.push(f.record.tag as string);
        log(
          logger,
          'warn',
          `'${withTag(destImage, f.record.tag as string)}' already holds ${there.digest}; kept, the source's ${f.record.digest} was not copied`,
        );
      }
    });
    const copy = found.filter((f) => !skipped.has(f));
    const listed = copy.filter((f) => f.record.source !== 'cosign-tag');
    const indexes: IndexWrite[] = [];
    if (listed.length > 0 && !(await this.#destHasApi(listed[0] as Found, limiter, signal))) {
      const bySubject = new Map<string, Descriptor[]>();
      for (const f of listed) {
        const list = bySubject.get(f.record.subject) ?? [];
        list.push(f.descriptor);
        bySubject.set(f.record.subject, list);
      }
      for (const [subject, added] of bySubject) {
        indexes.push({ tag: referrersTagOf(subject), subject, added });
      }
    }
    return { copy, cosign, indexes };
  }

  /** Whether the destination has a referrers API: asked once, about one subject. */
  async #destHasApi(sample: Found, limiter: Limiter, signal: AbortSignal): Promise<boolean> {
    if (this.#destApi === undefined) {
      const { destClient, destImage } = this.#ctx;
      const answer = await askReferrersApi(
        destClient,
        destImage,
        sample.record.subject,
        limiter,
        signal,
      );
      this.#destApi = answer !== undefined;
    }
    return this.#destApi;
  }

  /**
   * Copies one referrer manifest (and its blobs, and, for an index, what it names) by digest,
   * through the children copy; a blob or manifest missing in the source is a
   * {@link ReferrerCopyError} naming it.
   */
  async #copyManifest(found: Found, limiter: Limiter, signal: AbortSignal): Promise<void> {
    const { record, descriptor } = found;
    if (this.#copied.has(record.digest)) return;
    const { srcClient, srcImage, destClient, destImage, maxIndexDepth, blobs } = this.#ctx;
    const concurrency = limiter.limit;
    const naming = (kind: 'blob' | 'manifest', missing: string, error: unknown): unknown =>
      isNotFoundError(error)
        ? new ReferrerCopyError({
            referrer: record.digest,
            subject: record.subject,
            image: srcImage,
            missingKind: kind,
            missing,
            cause: error,
          })
        : error;
    const ctx: ChildrenContext = {
      srcClient: namingMissing(srcClient, naming),
      srcImage,
      destClient,
      destImage,
      concurrency,
      maxIndexDepth,
      signal,
      limiter,
      blobs,
    };
    await copyChildren([descriptor], ctx);
    this.#copied.add(record.digest);
  }

  /**
   * Adds the referrers of one subject to the destination's `sha256-<hex>` index: read, merge
   * (every entry already there kept), PUT with a precondition on what was read; read again
   * after a 412. Returns whether the tag was written (not when it already named them all).
   */
  async #writeIndex(index: IndexWrite, signal: AbortSignal): Promise<boolean> {
    const { destClient, destImage } = this.#ctx;
    const image = withTag(destImage, index.tag);
    for (let attempt = 1; ; attempt++) {
      const current = await unlessNotFound(() => destClient.getManifest(image, { signal }));
      let existing: Extract<ReferrersIndexRead, { ok: true }> | undefined;
      if (current !== undefined) {
        const read = readReferrersIndex(current.bytes);
        if (!read.ok) {
          throw new InvalidChildManifestError({
            digest: current.digest,
            image,
            field: read.field,
            reason: read.reason,
            problem: `it is not an index of referrers, so it is not replaced: ${read.problem}`,
          });
        }
        existing = read;
      }
      const next = referrersIndexWith(existing, index.added);
      if (!next.changed) return false;
      try {
        await destClient.putManifest(image, next.bytes, 'application/vnd.oci.image.index.v1+json', {
          signal,
          ...(current ? { ifMatch: current.digest } : { ifNoneMatch: '*' }),
        });
        return true;
      } catch (error) {
        if (!isPreconditionFailedError(error) || attempt >= INDEX_WRITE_ATTEMPTS) throw error;
      }
    }
  }
}

/** One referrer found under one name: its digest, and the cosign tag when it has one. */
function keyOf(found: Found): string {
  return `${found.record.digest} ${found.record.tag ?? ''}`;
}

/**
 * `client`, reading as it does, with a not-found error on a blob or manifest turned into
 * what `naming` makes of it (the copy then names the referrer and what is missing).
 */
function namingMissing(
  client: RegistryClient,
  naming: (kind: 'blob' | 'manifest', missing: string, error: unknown) => unknown,
): RegistryClient {
  const getBlob = client.getBlob?.bind(client);
  return {
    getManifest: (image, options) =>
      client.getManifest(image, options).catch((error: unknown) => {
        throw naming('manifest', parseImageReference(image).digest ?? image, error);
      }),
    putManifest: client.putManifest.bind(client),
    ...(client.headManifest ? { headManifest: client.headManifest.bind(client) } : {}),
    ...(client.hasBlob ? { hasBlob: client.hasBlob.bind(client) } : {}),
    ...(getBlob
      ? {
          getBlob: (image: string, digest: string, options?: { signal?: AbortSignal }) =>
            getBlob(image, digest, options).catch((error: unknown) => {
              throw naming('blob', digest, error);
            }),
        }
      : {}),
  };
}
