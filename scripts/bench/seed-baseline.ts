// The baseline: pubtools-quay's (the seed's) request pattern for one merge, sent with Node's
// own fetch (undici, keep-alive pool) in the bench's process: GET source, GET destination,
// PUT, one after another, as its ManifestListMerger does. Same Accept and Content-Type (and
// User-Agent) as the library, the same bytes the library pushes, and nothing else: no parsing,
// no merge computation, no digest checks (the seed's own Python work is not counted, which
// only favours the baseline). Anonymous registries only (no Authorization).
import { performance } from 'node:perf_hooks';
import { MediaTypes } from '../../src/index.js';

const ACCEPT = MediaTypes.ALL_MANIFESTS.join(', ');
const USER_AGENT = 'manifest-list-merger';

export interface SeedMerge {
  /** `http://HOST:PORT` */
  url: string;
  repo: string;
  srcTag: string;
  destTag: string;
  /** The bytes the library pushes for this source into this destination. */
  bytes: Uint8Array;
  mediaType: string;
}

/** How long each of the three requests took, in ms. */
export interface SeedTimes {
  getSrc: number;
  getDest: number;
  put: number;
}

/** Requests one seed merge sends. */
export const SEED_REQUESTS = ['GET', 'GET', 'PUT'] as const;

async function send(url: string, init: RequestInit, what: string, ok: number): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, init);
  await res.arrayBuffer(); // read the body through, so the connection goes back to the pool
  if (res.status !== ok) throw new Error(`seed baseline: ${what} answered ${res.status}`);
  return performance.now() - t0;
}

/** One merge's requests, the seed's way: GET src, then GET dest, then PUT dest. */
export async function seedMerge(m: SeedMerge): Promise<SeedTimes> {
  const base = `${m.url}/v2/${m.repo}/manifests/`;
  const get: RequestInit = { headers: { Accept: ACCEPT, 'User-Agent': USER_AGENT } };
  const getSrc = await send(base + m.srcTag, get, 'GET src', 200);
  const getDest = await send(base + m.destTag, get, 'GET dest', 200);
  const put = await send(
    base + m.destTag,
    {
      method: 'PUT',
      headers: { 'Content-Type': m.mediaType, 'User-Agent': USER_AGENT },
      body: m.bytes,
    },
    'PUT dest',
    201,
  );
  return { getSrc, getDest, put };
}
