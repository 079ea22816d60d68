// One library merge as the scenarios run it, and request counting through `onRequest`.
import {
  type HttpRegistryClient,
  ManifestListMerger,
  type MergeResult,
  type RequestEvent,
} from '../../src/index.js';

export interface Counted {
  registry: number;
  token: number;
  /** Methods of the registry requests, in order. */
  methods: string[];
  /** Registry requests that were retries (attempt > 1). */
  retries: number;
  /** The same, by method. */
  retriedMethods: Record<string, number>;
}

/** Counts what a client sends (pass `onRequest` to it). */
export function counter(): {
  counts: Counted;
  onRequest: (e: RequestEvent) => void;
  reset(): void;
} {
  const counts: Counted = { registry: 0, token: 0, methods: [], retries: 0, retriedMethods: {} };
  return {
    counts,
    onRequest: (e) => {
      counts[e.kind] += 1;
      if (e.kind !== 'registry') return;
      counts.methods.push(e.method);
      if (e.attempt === 1) return;
      counts.retries += 1;
      counts.retriedMethods[e.method] = (counts.retriedMethods[e.method] ?? 0) + 1;
    },
    reset() {
      counts.registry = 0;
      counts.token = 0;
      counts.methods = [];
      counts.retries = 0;
      counts.retriedMethods = {};
    },
  };
}

export interface LibMerge {
  client: HttpRegistryClient;
  /** Registry host as written in the references (`127.0.0.1:PORT`, `localhost:PORT`). */
  host: string;
  repo: string;
  src: string;
  dest: string;
  soleWriter?: boolean;
  expectPushed: boolean;
  /** Attempts allowed before the result counts as wrong (1 unless contended). */
  maxAttempts?: number;
}

/** A merge src → dest, checked to push (or not) as expected. */
export async function libMerge(m: LibMerge): Promise<MergeResult> {
  const merger = new ManifestListMerger({
    srcImage: `${m.host}/${m.repo}:${m.src}`,
    destImage: `${m.host}/${m.repo}:${m.dest}`,
    srcClient: m.client,
    destClient: m.client,
    soleWriter: m.soleWriter === true,
  });
  const result = await merger.mergeManifestLists();
  if ((result.outcome === 'pushed') !== m.expectPushed || result.attempts > (m.maxAttempts ?? 1)) {
    throw new Error(
      `merge ${m.src} → ${m.dest}: pushed=${result.outcome === 'pushed'} attempts=${result.attempts}, expected pushed=${m.expectPushed}`,
    );
  }
  return result;
}
