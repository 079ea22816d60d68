/** How a referrer was found: the referrers API, the `sha256-<hex>` index, or a cosign tag. */
export type ReferrerSource = 'referrers-api' | 'referrers-tag' | 'cosign-tag';

/** One referrer found next to a manifest: a signature, an attestation, an SBOM… */
export interface ReferrerRecord {
  /** The referrer manifest's digest (the same in both repositories: copying changes no digest). */
  digest: string;
  /** Its media type. */
  mediaType: string;
  /** Its artifact type, when known (the descriptor's `artifactType`, or its config's media type). */
  artifactType?: string;
  /** The digest of the manifest it refers to. */
  subject: string;
  /** How it was found. */
  source: ReferrerSource;
  /** The cosign tag it is under (`sha256-<hex>.sig`), for `source: 'cosign-tag'`. */
  tag?: string;
  /** Its level: 1 refers to a copied image (or the list), 2 to a referrer of level 1, … */
  depth: number;
}

/**
 * What a merge did (or, for a dry run and a select without push, would do) with the
 * referrers of the manifests it copies into the destination repository.
 */
export interface ReferrersReport {
  /**
   * The referrers copied into the destination repository, by digest, level by level
   * (for a result that was not pushed: the ones a push would copy).
   */
  manifests: ReferrerRecord[];
  /**
   * The tags written in the destination repository (or to be written): cosign tags
   * (`sha256-<hex>.sig`, `.att`, `.sbom`) and, where the destination has no referrers API,
   * the `sha256-<hex>` indexes of the referrers tag schema.
   */
  tags: string[];
  /**
   * Referrers found one level past `referrers.depth`: not copied (a warning is logged).
   */
  beyondDepth: ReferrerRecord[];
  /**
   * cosign tags the destination already held with other content: kept as they were, the
   * source's manifest under that tag was not copied.
   */
  keptTags: string[];
}

/**
 * The signatures and attestations of the list a merge replaced in the destination tag: they
 * sign the old list's bytes and do not cover the new list. Never copied onto it.
 */
export interface StaleSignatures {
  /** The digest the tag held before the merge. */
  digest: string;
  /** The digest it holds after the merge (or would hold, for a dry run). */
  newDigest: string;
  /** The old list's referrers and cosign tags in the destination repository. */
  referrers: ReferrerRecord[];
  /**
   * How many referrers the new list has in the destination repository: copied with it (the
   * source's own list pushed unchanged into another repository) or already there. `0`:
   * sign it.
   */
  newListReferrers: number;
}
