/**
 * The blobs one write brings into its destination repository, each transferred once however
 * many manifests name it: the children of the list and every referrer copied with them (two
 * SBOMs share the empty config `{}`). Two transfers of one blob into one repository at once
 * are not only wasted: CNCF distribution rewrites the repository's link file of the blob on
 * each, and a request reading that file meanwhile fails (a HEAD answers 500 `invalid checksum
 * digest format`, a manifest PUT naming the blob 400 `DIGEST_INVALID`).
 *
 * A transfer runs under the signal of the copy that started it, so a copy that waits on it
 * shares its fate (an abort included): fine while every copy sharing a ledger is
 * all-or-nothing, as a write's copies are (the first failure stops the write).
 */
export class BlobLedger {
  readonly #transfers = new Map<string, Promise<void>>();

  /**
   * Runs `transfer` for `digest` unless a transfer of it was started before; resolves when
   * the blob is in the destination. A failed transfer is forgotten, so that a later round
   * tries again.
   *
   * @example
   * ```ts
   * const ledger = new BlobLedger();
   * await Promise.all([ledger.ensure(d, mount), ledger.ensure(d, mount)]); // one mount
   * ```
   */
  ensure(digest: string, transfer: () => Promise<void>): Promise<void> {
    const known = this.#transfers.get(digest);
    if (known) return known;
    const pending = transfer();
    this.#transfers.set(digest, pending);
    pending.catch(() => {
      if (this.#transfers.get(digest) === pending) this.#transfers.delete(digest);
    });
    return pending;
  }
}
