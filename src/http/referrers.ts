import { RegistryError } from '../errors/registry-error.js';
import { algorithmOf } from '../manifest/digest.js';
import { OCI_IMAGE_INDEX } from '../manifest/media-types.js';
import { parseImageReference } from '../manifest/reference.js';
import { readReferrersIndex } from '../manifest/referrers.js';
import type { Descriptor } from '../manifest/types.js';
import type { ListReferrersOptions, ReferrersAnswer } from '../registry/client.js';
import type { Session } from './session.js';

/** How many pages of one referrers answer are followed (`Link: <…>; rel="next"`). */
export const MAX_REFERRER_PAGES = 32;

/**
 * The OCI 1.1 referrers API (`GET /v2/<repository>/referrers/<digest>`): an image index of
 * the manifests whose `subject` is a digest, page after page, each page capped like a
 * manifest. The behaviour is documented on {@link HttpRegistryClient.listReferrers}.
 */
export class Referrers {
  constructor(
    private readonly session: Session,
    private readonly maxBytes: number,
  ) {}

  /** The referrers of `digest`, or `undefined` when the registry answers 404 (no API). */
  async list(
    image: string,
    digest: string,
    options: ListReferrersOptions,
  ): Promise<ReferrersAnswer | undefined> {
    const ref = parseImageReference(image);
    algorithmOf(digest); // a checkable digest, before any request
    const query = options.artifactType
      ? `?artifactType=${encodeURIComponent(options.artifactType)}`
      : '';
    return this.session.call(options, async (ctx) => {
      const manifests: Descriptor[] = [];
      let filtersApplied: string[] = [];
      let path: string | undefined = `/v2/${ref.repository}/referrers/${digest}${query}`;
      for (let page = 0; path !== undefined; page++) {
        if (page >= MAX_REFERRER_PAGES) {
          throw new RegistryError({
            reference: `${ref}`,
            method: 'GET',
            problem: `the referrers of ${digest} run past ${MAX_REFERRER_PAGES} pages`,
          });
        }
        const { response, url } = await this.session.request(
          ref,
          {
            method: 'GET',
            path,
            actions: ['pull'],
            headers: { Accept: OCI_IMAGE_INDEX },
            maxBytes: this.maxBytes,
          },
          ctx,
          [404],
        );
        if (response.status === 404) {
          if (page === 0) return undefined;
          break;
        }
        const read = readReferrersIndex(new Uint8Array(response.body));
        if (!read.ok) {
          throw new RegistryError({
            reference: `${ref}`,
            method: 'GET',
            url,
            status: response.status,
            problem: `the referrers answer for ${digest} is not an image index: ${read.problem}`,
          });
        }
        manifests.push(...read.manifests);
        if (page === 0) filtersApplied = filtersOf(response.headers['oci-filters-applied']);
        path = nextPage(response.headers['link'], url);
      }
      return { manifests, filtersApplied };
    });
  }
}

/** `OCI-Filters-Applied: artifactType` → `['artifactType']`. */
function filtersOf(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The URL of `Link: <…>; rel="next"`, resolved against the page's URL; `undefined` at the end. */
function nextPage(link: string | undefined, base: string): string | undefined {
  if (link === undefined) return undefined;
  for (const part of link.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (match && /(?:^|;)\s*rel="?next"?\s*(?:;|$)/i.test(match[2] ?? '')) {
      return new URL(match[1] ?? '', base).toString();
    }
  }
  return undefined;
}
