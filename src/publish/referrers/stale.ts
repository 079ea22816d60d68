// The signatures a merge leaves behind: the referrers of the list the tag held before.
import { redact } from '../../errors/redact.js';
import type { RegistryClient } from '../../registry/client.js';
import { linkSignals } from '../../util/signals.js';
import type { Limiter } from '../../util/worker-pool.js';
import { type Lookup, referrersOf } from './discover.js';
import type { ReferrerRecord, StaleSignatures } from './report.js';

/** Where the destination tag lives. */
export interface StaleContext {
  client: RegistryClient;
  /** The destination tag (its repository is looked in). */
  image: string;
  /** The bound on requests in flight, shared with the rest of the merge. */
  limiter: Limiter;
  signal: AbortSignal | undefined;
}

/**
 * The signatures a merge makes stale: the referrers and cosign tags, in the destination
 * repository, of the list the tag held (`before`), which sign its bytes and not the new
 * list's. A dry run looks them up before it returns; a push looks them up alongside its
 * children copy, PUT and settle window (a failed lookup is a warning, the push goes on);
 * each digest is looked up once per merge. Reads only: nothing is ever
 * copied onto the new list.
 */
export class StaleSignatureCheck {
  readonly #lookup: Lookup;
  readonly #seen = new Map<string, ReferrerRecord[]>();
  #before: string | undefined;
  #after: string | undefined;
  #counted: number | undefined;

  constructor(ctx: StaleContext) {
    this.#lookup = {
      client: ctx.client,
      image: ctx.image,
      limiter: ctx.limiter,
      signal: linkSignals(ctx.signal),
      artifactTypes: [],
    };
  }

  /**
   * Looks up the referrers of `before` (the tag's digest the merge was computed from) when
   * the merge changes it to `after`; with `countAfter` (the new list is the source's own
   * bytes, in the same repository) also counts the referrers `after` already has there.
   */
  async prepare(before: string | undefined, after: string, countAfter: boolean): Promise<void> {
    this.#before = before;
    this.#after = after;
    this.#counted = undefined;
    if (before === undefined || before === after) return;
    const [old, signed] = await Promise.allSettled([
      this.#referrers(before),
      countAfter ? this.#referrers(after) : Promise.resolve(undefined),
    ]);
    if (old.status === 'rejected') throw old.reason;
    if (signed.status === 'rejected') throw signed.reason;
    this.#counted = signed.value?.length;
  }

  /**
   * {@link prepare} for a push, which it never fails: a failed lookup is told to `warn` in
   * one sentence, and nothing is reported.
   */
  async prepareOrWarn(
    before: string | undefined,
    after: string,
    countAfter: boolean,
    warn: (line: string) => void,
  ): Promise<void> {
    try {
      await this.prepare(before, after, countAfter);
    } catch (error) {
      const why = redact(error instanceof Error ? error.message : String(error));
      warn(
        `could not look up the signatures of the old list ${before}, which the new list does not carry: ${why}`,
      );
      this.#before = undefined;
      this.#after = undefined;
      this.#counted = undefined;
    }
  }

  /**
   * The report for the last {@link prepare}, for a push of `after` (the list as finally
   * pushed, or to be): `undefined` when nothing was prepared, the tag does not change or the
   * old list has no referrers. `copiedForAfter` counts the new list's referrers copied with
   * it (used when they were not counted in the destination).
   */
  result(after: string, copiedForAfter: number): StaleSignatures | undefined {
    const before = this.#before;
    if (this.#after === undefined || before === undefined || before === after) return undefined;
    const referrers = this.#seen.get(before) ?? [];
    if (referrers.length === 0) return undefined;
    return {
      digest: before,
      newDigest: after,
      referrers: referrers.map((r) => ({ ...r })),
      newListReferrers: after === this.#after ? (this.#counted ?? copiedForAfter) : copiedForAfter,
    };
  }

  async #referrers(digest: string): Promise<ReferrerRecord[]> {
    let records = this.#seen.get(digest);
    if (records === undefined) {
      records = (await referrersOf(digest, 1, this.#lookup)).map((f) => f.record);
      this.#seen.set(digest, records);
    }
    return records;
  }
}
