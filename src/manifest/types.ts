/**
 * The platform an image runs on, as in the OCI image index and Docker manifest list.
 * Fields the library does not know survive a round trip.
 */
export interface Platform {
  /** CPU architecture, e.g. `amd64`, `arm64`, `s390x` (`unknown` on attestation entries). */
  architecture: string;
  /** Operating system, e.g. `linux`, `windows`. */
  os: string;
  /** CPU variant, e.g. `v7` for `arm`, `v8` for `arm64`. */
  variant?: string;
  /** OS version, e.g. `10.0.17763.1879` on Windows. */
  'os.version'?: string;
  /** Required OS features, e.g. `win32k`. */
  'os.features'?: string[];
  /** Required CPU features (Docker lists). */
  features?: string[];
  /** Unknown fields are kept as they came. */
  [key: string]: unknown;
}

/** Arbitrary string metadata, keyed by reverse-DNS names. */
export type Annotations = Record<string, string>;

/** An OCI content descriptor: what a manifest, a blob or a subject is pointed at with. */
export interface Descriptor {
  /** Media type of the referenced content. */
  mediaType: string;
  /** `algorithm:hex` digest of the referenced content's exact bytes. */
  digest: string;
  /** Size in bytes of the referenced content. */
  size: number;
  /** The artifact type of the referenced manifest (OCI 1.1). */
  artifactType?: string;
  /** Annotations of this descriptor. */
  annotations?: Annotations;
  /** Alternative download locations. */
  urls?: string[];
  /** Embedded base64 content (OCI). */
  data?: string;
  /** Unknown fields are kept as they came. */
  [key: string]: unknown;
}

/** One entry of a manifest list: a descriptor with an optional platform. */
export interface ManifestDescriptor extends Descriptor {
  /** The platform of the image; absent on some artifacts, `unknown/unknown` on attestations. */
  platform?: Platform;
}

/**
 * A Docker manifest list v2 or an OCI image index. Unknown top-level fields survive a round
 * trip through {@link parseManifestList} and the merge functions.
 */
export interface ManifestList {
  /** Always `2`. */
  schemaVersion: 2;
  /** The list's media type; required for Docker lists, recommended for OCI indexes. */
  mediaType?: string;
  /** The artifact type (OCI 1.1 indexes only). */
  artifactType?: string;
  /** The entries, in order: runtimes pick the first match. */
  manifests: ManifestDescriptor[];
  /** The manifest this index refers to (OCI 1.1 referrers). */
  subject?: Descriptor;
  /** Annotations of the list (OCI indexes only). */
  annotations?: Annotations;
  /** Unknown fields are kept as they came. */
  [key: string]: unknown;
}

/**
 * A manifest as fetched from a registry: its exact bytes, its media type and the digest of
 * those bytes. This is what a {@link RegistryClient} returns.
 */
export interface FetchedManifest {
  /** The exact bytes the registry sent. */
  bytes: Uint8Array;
  /** The media type (the Content-Type without parameters, or the body's `mediaType`). */
  mediaType: string;
  /** `sha256:` + hex of `bytes`. */
  digest: string;
}
