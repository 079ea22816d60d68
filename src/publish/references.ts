import { parseImageReference } from '../registry/reference.js';

/** `host/repository@digest` for the repository of `image`. */
export function withDigest(image: string, digest: string): string {
  const ref = parseImageReference(image);
  return `${ref.host}/${ref.repository}@${digest}`;
}

/** `host/repository` of `image`: what identifies its repository. */
export function repositoryOf(image: string): string {
  const ref = parseImageReference(image);
  return `${ref.host}/${ref.repository}`;
}

/** The registry host (API host) of `image`. */
export function registryOf(image: string): string {
  return parseImageReference(image).apiHost;
}

/** The key one destination tag is serialised under: `host/repository:tag`. */
export function tagKey(image: string): string {
  const ref = parseImageReference(image);
  return `${ref.host}/${ref.repository}:${ref.tag ?? 'latest'}`;
}
