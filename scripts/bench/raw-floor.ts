// The raw floor: the exact HTTP request sequence the library sends for one Mode A merge,
// sent with Node's own fetch (undici; its global dispatcher keeps connections alive, as the
// library's http.Agent({ keepAlive: true }) does), same headers that matter (Accept,
// Content-Type, User-Agent), same bytes, and nothing else: no parsing, no digest checks,
// no merge computation. Anonymous registry only (no Authorization).
import { MediaTypes } from '../../src/index.js';

const ACCEPT = MediaTypes.ALL_MANIFESTS.join(', ');
const USER_AGENT = 'manifest-list-merger';

export interface RawMerge {
  /** `http://127.0.0.1:PORT` */
  url: string;
  repo: string;
  srcTag: string;
  destTag: string;
  /** The bytes the library pushes for this source into this destination. */
  bytes: Uint8Array;
  mediaType: string;
  /** With the guard's HEAD before and after the PUT. */
  guard: boolean;
  /** No PUT (and so no guard HEADs): the unchanged case. */
  unchanged?: boolean;
}

async function send(url: string, init: RequestInit, what: string, ok: number): Promise<Response> {
  const res = await fetch(url, init);
  await res.arrayBuffer(); // read the body through, so the connection goes back to the pool
  if (res.status !== ok) throw new Error(`raw floor: ${what} answered ${res.status}`);
  return res;
}

/** One merge's request sequence: GET src ‖ GET dest, [HEAD dest], PUT dest, [HEAD dest]. */
export async function rawMerge(m: RawMerge): Promise<void> {
  const base = `${m.url}/v2/${m.repo}/manifests/`;
  const get: RequestInit = { headers: { Accept: ACCEPT, 'User-Agent': USER_AGENT } };
  const head: RequestInit = { method: 'HEAD', ...get };
  // The library fetches both lists concurrently.
  await Promise.all([
    send(base + m.srcTag, get, 'GET src', 200),
    send(base + m.destTag, get, 'GET dest', 200),
  ]);
  if (m.unchanged) return;
  if (m.guard) await send(base + m.destTag, head, 'HEAD dest', 200);
  await send(
    base + m.destTag,
    {
      method: 'PUT',
      headers: { 'Content-Type': m.mediaType, 'User-Agent': USER_AGENT },
      body: m.bytes,
    },
    'PUT dest',
    201,
  );
  if (m.guard) await send(base + m.destTag, head, 'HEAD dest', 200);
}
