import { parseImageReference, repositoryKey, tagKey } from '../registry/reference.js';

/** `host/repository@digest` for the repository of `image`. */
export function withDigest(image: string, digest: string): string {
  const ref = parseImageReference(image);
  return `${ref.host}/${ref.repository}@${digest}`;
}

/** The key of the repository of `image` (one spelling per repository). */
export function repositoryOf(image: string): string {
  return repositoryKey(image);
}

/** The registry host (API host) of `image`. */
export function registryOf(image: string): string {
  return parseImageReference(image).apiHost;
}

export { tagKey };
