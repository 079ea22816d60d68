// Builders for the unit tests: realistic manifest lists without the noise.
import { expect } from 'vitest';
import {
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  OCI_IMAGE_MANIFEST,
} from '../../src/manifest/media-types.js';
import { computeDigest } from '../../src/manifest/serialize.js';
import type { ManifestDescriptor, ManifestList, Platform } from '../../src/manifest/types.js';

/** A valid sha256 digest made from a short label: `digest('a')` ≠ `digest('b')`. */
export function digest(label: string): string {
  let hex = '';
  for (const char of label) hex += char.charCodeAt(0).toString(16).padStart(4, '0');
  return `sha256:${hex.padStart(64, '0').slice(-64)}`;
}

/** An image entry for `os/arch[/variant]` (`'amd64'` alone means linux/amd64). */
export function image(
  spec: string,
  label = spec,
  extra: Partial<Platform> = {},
): ManifestDescriptor {
  const parts = spec.split('/');
  const [os, architecture, variant] = parts.length === 1 ? ['linux', parts[0]] : parts;
  const platform: Platform = { architecture: architecture as string, os: os as string, ...extra };
  if (variant !== undefined) platform.variant = variant;
  return { mediaType: DOCKER_MANIFEST, digest: digest(label), size: 528, platform };
}

/**
 * A linux/`architecture` image entry whose digest is the hash of `seed`: unlike {@link image},
 * two calls without a seed never share a digest (the merger tests' distinct builds).
 */
export function entry(
  architecture: string,
  seed = `${architecture}-${Math.random()}`,
  mediaType = DOCKER_MANIFEST,
): ManifestDescriptor {
  return {
    mediaType,
    digest: computeDigest(seed),
    size: 500,
    platform: { architecture, os: 'linux' },
  };
}

/** A windows/amd64 image entry of the Windows build `build` (its `os.version`). */
export function win(build: string, label: string): ManifestDescriptor {
  return image('windows/amd64', label, { 'os.version': build });
}

/** A buildx attestation entry for the image of `imageDigest`. */
export function attestation(imageDigest: string, label: string): ManifestDescriptor {
  return {
    mediaType: OCI_IMAGE_MANIFEST,
    digest: digest(label),
    size: 840,
    platform: { architecture: 'unknown', os: 'unknown' },
    annotations: {
      'vnd.docker.reference.digest': imageDigest,
      'vnd.docker.reference.type': 'attestation-manifest',
    },
  };
}

/** An entry without a platform (an OCI artifact). */
export function artifact(label: string): ManifestDescriptor {
  return {
    mediaType: OCI_IMAGE_MANIFEST,
    artifactType: 'application/vnd.example.sbom+json',
    digest: digest(label),
    size: 321,
  };
}

/** A Docker manifest list of `entries` plus any top-level fields. */
export function list(
  entries: ManifestDescriptor[],
  top: Record<string, unknown> = {},
): ManifestList {
  return { schemaVersion: 2, mediaType: DOCKER_MANIFEST_LIST, ...top, manifests: entries };
}

/** Arch names of the entries, in order (pubtools-quay's point of view). */
export function archs(l: ManifestList | ManifestDescriptor[]): string[] {
  const entries = Array.isArray(l) ? l : l.manifests;
  return entries.map((e) => e.platform?.architecture ?? e.digest);
}

/** Digests of the entries, in order. */
export function digests(l: ManifestList | ManifestDescriptor[]): string[] {
  return (Array.isArray(l) ? l : l.manifests).map((e) => e.digest);
}

/** Freezes a value and everything under it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Runs `fn` on frozen inputs and checks they still equal their snapshots afterwards. */
export function untouched<T>(inputs: ManifestList[], fn: () => T): T {
  const snapshots = inputs.map((l) => structuredClone(l));
  for (const l of inputs) deepFreeze(l);
  const out = fn();
  expect(inputs).toStrictEqual(snapshots);
  return out;
}

/** Every object (and array) reachable from `value`. */
export function objectsOf(value: unknown, into = new Set<object>()): Set<object> {
  if (value !== null && typeof value === 'object' && !into.has(value)) {
    into.add(value);
    for (const v of Object.values(value)) objectsOf(v, into);
  }
  return into;
}

/** True when `a` and `b` share no object. */
export function sharesNothing(a: unknown, b: unknown): boolean {
  const left = objectsOf(a);
  for (const o of objectsOf(b)) if (left.has(o)) return false;
  return true;
}
