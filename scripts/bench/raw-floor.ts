// The raw floor: the exact HTTP request sequence the library sends for one merge (the merge mode),
// sent with Node's own fetch (undici; its global dispatcher keeps connections alive, as the
// library's http.Agent({ keepAlive: true }) does), same headers that matter (Accept,
// Content-Type, User-Agent), same bytes, and nothing else: no parsing, no digest checks,
// no merge computation. Anonymous registry only (no Authorization).
import { MediaTypes } from '../../src/index.js';

const ACCEPT = MediaTypes.ALL_MANIFESTS.join(', ');
const USER_AGENT = 'manifest-list-merger';

// undici closes the connection after every HEAD unless the request says `reset: false`
// (nodejs/undici#1858), which `fetch` cannot express; http.Agent keeps it. So HEADs go through
// fetch's own global dispatcher (the same connection pool) with `reset: false`, giving the raw
// floor the same connection reuse as the library. The bench counts new TCP connections to
// show it.
interface Dispatcher {
  dispatch(options: Record<string, unknown>, handler: unknown): boolean;
}
const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');
const keepAliveHeads: Dispatcher = {
  dispatch(options, handler) {
    const global = (globalThis as unknown as Record<symbol, Dispatcher | undefined>)[
      GLOBAL_DISPATCHER
    ];
    if (!global) throw new Error("fetch's global dispatcher is not there");
    return global.dispatch({ ...options, reset: false }, handler);
  },
};

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
  const head = { method: 'HEAD', ...get, dispatcher: keepAliveHeads } as unknown as RequestInit;
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
