// Builders for the referrer tests over the in-memory client: images, OCI artifacts with a
// `subject` (listed in the source's sha256-<hex> index), cosign signatures under .sig tags.
import { OCI_IMAGE_INDEX, OCI_IMAGE_MANIFEST } from '../../../../src/manifest/media-types.js';
import { parseImageReference } from '../../../../src/manifest/reference.js';
import { computeDigest } from '../../../../src/manifest/serialize.js';
import type { Descriptor, ManifestDescriptor } from '../../../../src/manifest/types.js';
import type { InMemoryRegistryClient } from '../../../../src/registry/in-memory-client.js';

export const SBOM = 'application/spdx+json';
export const SIMPLESIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
const EMPTY = 'application/vnd.oci.empty.v1+json';

let serial = 0;

/** `host/repository` of an image reference. */
export function repoOf(image: string): string {
  const ref = parseImageReference(image);
  return `${ref.host}/${ref.repository}`;
}

/** `sha256:abc` → `sha256-abc`. */
export function tagOf(digest: string): string {
  return digest.replace(':', '-');
}

/** Stores a manifest by digest in the repository of `image`; its descriptor. */
export function storeManifest(
  registry: InMemoryRegistryClient,
  image: string,
  doc: Record<string, unknown>,
): Descriptor {
  const bytes = JSON.stringify(doc);
  const digest = computeDigest(bytes);
  registry.setManifest(`${repoOf(image)}@${digest}`, bytes);
  return { mediaType: String(doc['mediaType']), digest, size: Buffer.byteLength(bytes) };
}

/** An OCI image (config + one layer) for `arch`: its list entry. */
export function storeImage(
  registry: InMemoryRegistryClient,
  image: string,
  arch: string,
): ManifestDescriptor {
  const n = ++serial;
  const config = registry.setBlob(image, `{"architecture":"${arch}","n":${n}}`);
  const layer = registry.setBlob(image, `layer ${arch} ${n}`);
  const descriptor = storeManifest(registry, image, {
    schemaVersion: 2,
    mediaType: OCI_IMAGE_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: 1 },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer, size: 1 }],
  });
  return { ...descriptor, platform: { os: 'linux', architecture: arch } };
}

/** Options of {@link storeReferrer}. */
export interface ReferrerOptions {
  artifactType?: string;
  /** List it in the repository's `sha256-<hex>` index (as a client without the API does). @default true */
  tagSchema?: boolean;
  /** Leave its layer blob out of the repository (a broken referrer). */
  missingBlob?: boolean;
}

/**
 * An OCI artifact whose `subject` is `subject` (an SBOM by default), listed in the
 * repository's `sha256-<hex>` index unless `tagSchema: false`; its descriptor as listed.
 */
export async function storeReferrer(
  registry: InMemoryRegistryClient,
  image: string,
  subject: Descriptor,
  options: ReferrerOptions = {},
): Promise<Descriptor & { layer: string }> {
  const artifactType = options.artifactType ?? SBOM;
  const empty = registry.setBlob(image, '{}');
  const content = `{"about":"${subject.digest}","n":${++serial}}`;
  const layer = options.missingBlob ? computeDigest(content) : registry.setBlob(image, content);
  const stored = storeManifest(registry, image, {
    schemaVersion: 2,
    mediaType: OCI_IMAGE_MANIFEST,
    artifactType,
    config: { mediaType: EMPTY, digest: empty, size: 2 },
    layers: [{ mediaType: artifactType, digest: layer, size: content.length }],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
  });
  const descriptor = { ...stored, artifactType, annotations: { 'org.example.n': String(serial) } };
  if (options.tagSchema !== false) {
    const tag = `${repoOf(image)}:${tagOf(subject.digest)}`;
    const before = registry.resolveTag(tag)
      ? ((await readTag(registry, tag)) as { manifests: Descriptor[] })
      : { manifests: [] };
    registry.setManifest(tag, {
      schemaVersion: 2,
      mediaType: OCI_IMAGE_INDEX,
      manifests: [...before.manifests, descriptor],
    });
  }
  return { ...descriptor, layer };
}

/** A cosign signature of `subject` under the tag `sha256-<hex>.sig`; its descriptor. */
export function storeSignature(
  registry: InMemoryRegistryClient,
  image: string,
  subject: Descriptor,
  suffix: 'sig' | 'att' | 'sbom' = 'sig',
): Descriptor & { tag: string } {
  const config = registry.setBlob(image, `{"n":${++serial}}`);
  const payload = registry.setBlob(
    image,
    `{"critical":{"image":{"docker-manifest-digest":"${subject.digest}"},"type":"cosign container image signature"}}`,
  );
  const bytes = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_IMAGE_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: 1 },
    layers: [
      {
        mediaType: SIMPLESIGNING,
        digest: payload,
        size: 1,
        annotations: { 'dev.cosignproject.cosign/signature': 'MEUCIQ...' },
      },
    ],
  });
  const tag = `${tagOf(subject.digest)}.${suffix}`;
  const digest = registry.setManifest(`${repoOf(image)}:${tag}`, bytes);
  return { mediaType: OCI_IMAGE_MANIFEST, digest, size: bytes.length, tag };
}

/** The manifest a tag (or digest reference) holds now, parsed (a recorded `get`). */
export async function readTag(registry: InMemoryRegistryClient, image: string): Promise<unknown> {
  return JSON.parse(new TextDecoder().decode((await registry.getManifest(image)).bytes));
}
