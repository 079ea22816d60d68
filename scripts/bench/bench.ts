// `npm run bench`: merge benchmarks against local CNCF registries started here (loopback,
// temporary storage, stopped at the end). Prints a Markdown report and writes it, unchanged,
// to docs/benchmarks.md. Not part of `npm test`.
//
// Knobs (environment): BENCH_ROUNDS (measured rounds, default 200), BENCH_WARMUP (default 30),
// BENCH_JOBS (merges per throughput run, default 500), BENCH_NO_WRITE=1 (do not write the doc),
// BENCH_ONLY=latency (only section 1–3, for profiling with --cpu-prof; implies NO_WRITE).
import dc from 'node:diagnostics_channel';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  HttpRegistryClient,
  ManifestListMerger,
  type MergeResult,
  mergeMany,
  type RequestEvent,
} from '../../src/index.js';
import { type PushedList, pushImage, pushList, putManifest } from '../../test/support/images.js';
import {
  startAnonymousRegistry,
  startTokenRegistry,
  type TestRegistry,
  type TokenTestRegistry,
} from '../../test/support/registry.js';
import { cpuMeter, findChildPid, selfCpuMs } from './cpu.js';
import { describeMachine } from './machine.js';
import { type RawMerge, rawMerge } from './raw-floor.js';
import { met, ms, ratio, type Summary, summarize, table } from './stats.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DOC = join(ROOT, 'docs', 'benchmarks.md');
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 200);
const WARMUP = Number(process.env['BENCH_WARMUP'] ?? 30);
const JOBS = Number(process.env['BENCH_JOBS'] ?? 500);
/** The raw floor's throughput runs are a reference for the machine: half as many, to save time. */
const RAW_JOBS = Math.ceil(JOBS / 2);
const ONLY_LATENCY = process.env['BENCH_ONLY'] === 'latency';
const WRITE = process.env['BENCH_NO_WRITE'] !== '1' && !ONLY_LATENCY;
const WATCHDOG_MS = 10 * 60_000;

/** Other work on the machine shows here: the figures are only as quiet as the machine. */
const LOAD_AT_START = os.loadavg();
const fmtLoad = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' / ');

const TARGET_RATIO = 1.1;
const TARGET_SCALING = 3;

const progress = (s: string): void => {
  process.stderr.write(`[bench] ${s}\n`);
};

// ------------------------------------------------------------------- registries and cleanup

const registries: TestRegistry[] = [];
let stopping: Promise<void> | undefined;
function stopAll(): Promise<void> {
  stopping ??= Promise.allSettled(registries.map((r) => r.stop())).then(() => undefined);
  return stopping;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping the registries`);
    void stopAll().finally(() => process.exit(130));
  });
}

// New TCP connections opened by this process (undici and http.Agent both go through net).
let connections = 0;
dc.subscribe('net.client.socket', () => {
  connections += 1;
});

// ------------------------------------------------------------------------------- the lists

const REPO = 'bench/app';
const SRC_PLATFORMS = ['linux/amd64', 'linux/arm64'];
const DEST_PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/ppc64le', 'linux/s390x'];

interface Fixture {
  /** The destination's starting list (pushed by digest; put to tags with `resetTag`). */
  destInit: PushedList;
  /** What the library pushes when merging src-a (resp. src-b) into the other state. */
  bytes: { a: Uint8Array; b: Uint8Array };
  mediaType: string;
}

/** Two buildx-style sources (OCI index, two platforms + attestations) and a 4-platform destination. */
async function pushFixtureLists(reg: TestRegistry, repo: string): Promise<PushedList> {
  await Promise.all(
    ['src-a', 'src-b'].map((tag) =>
      pushList(reg, repo, tag, { platforms: SRC_PLATFORMS, format: 'oci', attestations: true }),
    ),
  );
  const images = await Promise.all(
    DEST_PLATFORMS.map((platform) => pushImage(reg, repo, { platform, format: 'oci' })),
  );
  return pushList(reg, repo, undefined, { images, format: 'oci' });
}

async function resetTag(reg: TestRegistry, repo: string, tag: string, list: PushedList) {
  const res = await putManifest(reg, repo, tag, list.bytes, list.mediaType);
  if (res.status !== 201) throw new Error(`cannot set ${repo}:${tag}: HTTP ${res.status}`);
}

async function setTag(reg: TestRegistry, repo: string, tag: string, b: Uint8Array, mt: string) {
  const res = await putManifest(reg, repo, tag, Buffer.from(b), mt);
  if (res.status !== 201) throw new Error(`cannot set ${repo}:${tag}: HTTP ${res.status}`);
}

async function pool<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

const sameBytes = (x: Uint8Array, y: Uint8Array): boolean => Buffer.from(x).equals(Buffer.from(y));

// ---------------------------------------------------------------------- library merge runs

interface Counted {
  registry: number;
  token: number;
  methods: string[];
}
function counter(): { counts: Counted; onRequest: (e: RequestEvent) => void; reset(): void } {
  const counts: Counted = { registry: 0, token: 0, methods: [] };
  return {
    counts,
    onRequest: (e) => {
      counts[e.kind] += 1;
      if (e.kind === 'registry') counts.methods.push(e.method);
    },
    reset() {
      counts.registry = 0;
      counts.token = 0;
      counts.methods = [];
    },
  };
}

async function libMerge(
  client: HttpRegistryClient,
  host: string,
  repo: string,
  src: string,
  dest: string,
  opts: { guard?: boolean; expectPushed: boolean },
): Promise<MergeResult> {
  const merger = new ManifestListMerger({
    srcImage: `${host}/${repo}:${src}`,
    destImage: `${host}/${repo}:${dest}`,
    srcClient: client,
    destClient: client,
    soleWriter: !(opts.guard ?? true),
  });
  const result = await merger.mergeManifestLists();
  const pushed = result.outcome === 'pushed';
  if (pushed !== opts.expectPushed || result.attempts !== 1) {
    throw new Error(
      `merge ${src} → ${dest}: pushed=${pushed} attempts=${result.attempts}, expected pushed=${opts.expectPushed}`,
    );
  }
  return result;
}

// -------------------------------------------------------------- 1–3: latency, interleaved

interface Variant {
  name: string;
  kind: 'library' | 'raw';
  requests: string;
  run: () => Promise<void>;
  samples: number[];
  connections: number;
  /** CPU ms (user + system) of this process over the measured runs. */
  cpuMs: number;
}

interface LatencyReport {
  variants: Map<string, { v: Variant; s: Summary }>;
  sequences: { guard: string; noGuard: string; unchanged: string };
}

async function measureLatency(reg: TestRegistry, fx: Fixture): Promise<LatencyReport> {
  const count = counter();
  const client = new HttpRegistryClient({ onRequest: count.onRequest });
  const host = reg.host;
  const toggles = new Map<string, 'a' | 'b'>();
  const flip = (key: string): 'a' | 'b' => {
    const next = toggles.get(key) === 'a' ? 'b' : 'a';
    toggles.set(key, next);
    return next;
  };
  const raw = (destTag: string, guard: boolean) => async () => {
    const s = flip(destTag);
    const m: RawMerge = {
      url: reg.url,
      repo: REPO,
      srcTag: `src-${s}`,
      destTag,
      bytes: fx.bytes[s],
      mediaType: fx.mediaType,
      guard,
    };
    await rawMerge(m);
  };
  const lib = (destTag: string, guard: boolean) => async () => {
    const s = flip(destTag);
    await libMerge(client, host, REPO, `src-${s}`, destTag, { guard, expectPushed: true });
  };

  for (const tag of ['d-lib-g', 'd-raw-g', 'd-lib-n', 'd-raw-n']) {
    await resetTag(reg, REPO, tag, fx.destInit);
  }
  for (const tag of ['d-lib-u', 'd-raw-u']) await setTag(reg, REPO, tag, fx.bytes.a, fx.mediaType);

  // The request sequence the library sends, to show the raw floor copies it.
  const sequence = async (fn: () => Promise<void>): Promise<string> => {
    count.reset();
    await fn();
    return count.counts.methods.join(' ');
  };
  const sequences = {
    guard: await sequence(lib('d-lib-g', true)),
    noGuard: await sequence(lib('d-lib-n', false)),
    unchanged: await sequence(async () => {
      await libMerge(client, host, REPO, 'src-a', 'd-lib-u', { expectPushed: false });
    }),
  };

  const mk = (name: string, kind: Variant['kind'], requests: string, run: () => Promise<void>) =>
    ({ name, kind, requests, run, samples: [], connections: 0, cpuMs: 0 }) satisfies Variant;
  const variants: Variant[] = [
    mk('library, guard on (default)', 'library', sequences.guard, lib('d-lib-g', true)),
    mk('raw floor, guard requests', 'raw', 'GET GET HEAD PUT HEAD', raw('d-raw-g', true)),
    mk('library, guard off', 'library', sequences.noGuard, lib('d-lib-n', false)),
    mk('raw floor, no guard requests', 'raw', 'GET GET PUT', raw('d-raw-n', false)),
    mk('library, unchanged (no PUT)', 'library', sequences.unchanged, async () => {
      await libMerge(client, host, REPO, 'src-a', 'd-lib-u', { expectPushed: false });
    }),
    mk('raw floor, unchanged', 'raw', 'GET GET', async () => {
      await rawMerge({
        url: reg.url,
        repo: REPO,
        srcTag: 'src-a',
        destTag: 'd-raw-u',
        bytes: fx.bytes.a,
        mediaType: fx.mediaType,
        guard: true,
        unchanged: true,
      });
    }),
  ];

  progress(
    `latency: ${WARMUP} warm-up rounds, then ${ROUNDS} measured rounds of ${variants.length} variants`,
  );
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    const measured = round >= WARMUP;
    // Interleave: every round runs each variant once, starting at a rotating position.
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(round + k) % variants.length] as Variant;
      const before = connections;
      const cpu0 = selfCpuMs();
      const t0 = performance.now();
      await v.run();
      const dt = performance.now() - t0;
      if (measured) {
        v.samples.push(dt);
        v.connections += connections - before;
        v.cpuMs += selfCpuMs() - cpu0;
      }
    }
    if (measured && (round - WARMUP + 1) % 200 === 0) progress(`  ${round - WARMUP + 1}/${ROUNDS}`);
  }
  client.close();
  return {
    variants: new Map(variants.map((v) => [v.name, { v, s: summarize(v.samples) }])),
    sequences,
  };
}

// --------------------------------------------------------------------------- 4: throughput

interface ThroughputRun {
  who: 'library' | 'raw';
  concurrency: number;
  ms: number;
  /** Merges in the run. */
  jobs: number;
  /** Requests the library retried during the run (attempt > 1). */
  retries: number;
  /** CPU ms of this process and of the registry during the run; machine busy fraction. */
  cpu: { self: number; other: number; machineBusy: number };
}

interface ThroughputReport {
  runs: ThroughputRun[];
  retriesOutside: number;
}

/** Library runs at 1, 4, 16; the raw floor at 1 and 16 as the machine's own scaling. */
const THROUGHPUT_ORDER: ReadonlyArray<readonly ['library' | 'raw', number]> = [
  ['library', 1],
  ['raw', 1],
  ['library', 4],
  ['library', 16],
  ['raw', 16],
];

const TAG_ANNOTATION = 'org.example.bench.tag';
const PLACEHOLDER = 'bench-tag-placeholder';

async function measureThroughput(reg: TestRegistry, fx: Fixture): Promise<ThroughputReport> {
  const host = reg.host;
  const registryPid = findChildPid(dirname(reg.storageDir));
  const retries = { n: 0 };
  const client = new HttpRegistryClient({
    onRequest: (e) => {
      if (e.attempt > 1) retries.n += 1;
    },
  });
  const libTags = Array.from({ length: JOBS }, (_, i) => `many-${String(i).padStart(3, '0')}`);
  const rawTags = Array.from({ length: RAW_JOBS }, (_, i) => `raw-${String(i).padStart(3, '0')}`);
  // Each destination tag carries its own name as an annotation (kept by the merge, the
  // sources having none), so no two tags ever hold the same bytes: distribution 2.8's
  // filesystem driver answers 500 "invalid checksum digest format" to reads racing with
  // concurrent PUTs of identical manifests to other tags, which would turn this into a
  // benchmark of retries.
  const setTagList = (tag: string, value = tag) =>
    pushList(reg, REPO, tag, {
      images: fx.destInit.images,
      format: 'oci',
      annotations: { [TAG_ANNOTATION]: value },
    });
  // One fresh source per leg, so that every merge of every leg pushes bytes the registry has
  // never stored (as a real release does): re-pushing known bytes skips the blob write and
  // would favour whichever legs come later.
  const legCount = THROUGHPUT_ORDER.length * 2;
  const sources = Array.from({ length: legCount }, (_, i) => `src-leg${i}`);
  progress(`throughput: pushing ${sources.length} source lists`);
  await pool(sources, 4, async (tag) => {
    await pushList(reg, REPO, tag, { platforms: SRC_PLATFORMS, format: 'oci', attestations: true });
  });
  // What the library pushes into a tag: learnt once per source on a probe, then the tag name
  // replaces the placeholder (checked below against a dry run).
  await setTagList('probe-t', PLACEHOLDER);
  const templates = new Map<string, string>();
  for (const src of sources) {
    const r = await libMerge(client, host, REPO, src, 'probe-t', { expectPushed: true });
    templates.set(src, Buffer.from(r.bytes).toString('utf8'));
  }
  const bytesFor = (src: string, tag: string): Uint8Array => {
    const text = templates.get(src) ?? '';
    if (text.split(PLACEHOLDER).length !== 2) throw new Error('placeholder not found once');
    return Buffer.from(text.replace(PLACEHOLDER, tag), 'utf8');
  };

  progress(`throughput: setting ${libTags.length + rawTags.length} destination tags`);
  await pool([...libTags, ...rawTags], 16, async (tag) => {
    await setTagList(tag);
  });
  const check = await new ManifestListMerger({
    srcImage: `${host}/${REPO}:${sources[0]}`,
    destImage: `${host}/${REPO}:${rawTags[0]}`,
    srcClient: client,
    destClient: client,
  }).mergeManifestLists({ dryRun: true });
  if (!sameBytes(check.bytes, bytesFor(sources[0] as string, rawTags[0] as string))) {
    throw new Error('the raw floor would not push the bytes the library pushes');
  }

  // Each leg flips the tags of one half to the other source, so every merge pushes.
  const halves = (tags: string[]): [string[], string[]] => {
    const mid = Math.ceil(tags.length / 2);
    return [tags.slice(0, mid), tags.slice(mid)];
  };
  const libHalves = halves(libTags);
  const rawHalves = halves(rawTags);
  let leg = 0;
  const nextSource = (): string => sources[leg++] as string;
  const runs: ThroughputRun[] = [];
  const libRun = async (concurrency: number, half: 0 | 1) => {
    const tags = libHalves[half];
    const src = `${host}/${REPO}:${nextSource()}`;
    const jobs = tags.map((tag) => ({ srcImage: src, destImage: `${host}/${REPO}:${tag}` }));
    const retriesBefore = retries.n;
    const meter = cpuMeter(registryPid);
    const t0 = performance.now();
    const outcomes = await mergeMany(jobs, { srcClient: client, destClient: client, concurrency });
    const dt = performance.now() - t0;
    const cpu = meter();
    const bad = outcomes.filter((o) => o.status !== 'fulfilled' || o.result.outcome !== 'pushed');
    if (bad.length > 0) {
      const o = bad[0];
      throw new Error(
        `${bad.length} of ${jobs.length} merges failed or did not push: ${o?.status === 'rejected' ? String(o.error) : o?.status}`,
      );
    }
    runs.push({
      who: 'library',
      concurrency,
      ms: dt,
      jobs: jobs.length,
      retries: retries.n - retriesBefore,
      cpu,
    });
    progress(`  library c=${concurrency}: ${jobs.length} merges in ${ms(dt)} ms`);
  };
  const rawRun = async (concurrency: number, half: 0 | 1) => {
    const tags = rawHalves[half];
    const src = nextSource();
    const meter = cpuMeter(registryPid);
    const t0 = performance.now();
    await pool(tags, concurrency, (tag) =>
      rawMerge({
        url: reg.url,
        repo: REPO,
        srcTag: src,
        destTag: tag,
        bytes: bytesFor(src, tag),
        mediaType: fx.mediaType,
        guard: true,
      }),
    );
    const dt = performance.now() - t0;
    const cpu = meter();
    runs.push({ who: 'raw', concurrency, ms: dt, jobs: tags.length, retries: 0, cpu });
    progress(`  raw floor c=${concurrency}: ${tags.length} merges in ${ms(dt)} ms`);
  };
  // Open the sockets at the highest concurrency (not measured; src-b, so that the first run,
  // from src-a, still changes these tags).
  await mergeMany(
    libTags.slice(0, 32).map((tag) => ({
      srcImage: `${host}/${REPO}:src-b`,
      destImage: `${host}/${REPO}:${tag}`,
    })),
    { srcClient: client, destClient: client, concurrency: 16, force: true },
  );
  progress(`throughput: ${JOBS} merges per library setting, ${RAW_JOBS} per raw floor setting`);
  // Two legs of half the tags each, the second in reverse order, to cancel drift.
  const order: ReadonlyArray<readonly ['library' | 'raw', number, 0 | 1]> = [
    ...THROUGHPUT_ORDER.map(([w, c]) => [w, c, 0] as const),
    ...[...THROUGHPUT_ORDER].reverse().map(([w, c]) => [w, c, 1] as const),
  ];
  for (const [who, c, half] of order) {
    if (who === 'library') await libRun(c, half);
    else await rawRun(c, half);
  }
  client.close();
  return { runs, retriesOutside: retries.n - runs.reduce((a, r) => a + r.retries, 0) };
}

// ------------------------------------------------------------------------ 5: token requests

interface TokenScenario {
  name: string;
  cold: { merges: number; registry: number; token: number; issuer: number };
  warm: { merges: number; registry: number; token: number; issuer: number; s: Summary };
}

async function measureTokens(reg: TokenTestRegistry): Promise<TokenScenario[]> {
  const repos = Array.from({ length: 10 }, (_, i) => `tok/repo${i}`);
  progress('token auth: pushing 10 repositories');
  await Promise.all(
    repos.map(async (repo) => {
      const destInit = await pushFixtureLists(reg, repo);
      await resetTag(reg, repo, 'dest', destInit);
    }),
  );

  // Which source each repository's destination holds (shared by both scenarios).
  const state = new Map<string, 'a' | 'b'>();
  const scenario = async (name: string, order: string[], warmRounds: number) => {
    const count = counter();
    const client = new HttpRegistryClient({
      username: reg.username,
      password: reg.password,
      onRequest: count.onRequest,
    });
    const one = async (repo: string) => {
      const s = state.get(repo) === 'a' ? 'b' : 'a';
      state.set(repo, s);
      await libMerge(client, reg.host, repo, `src-${s}`, 'dest', { expectPushed: true });
    };
    // Cold: a fresh client takes each repository once.
    count.reset();
    reg.issuer.resetCounts();
    for (const repo of order) await one(repo);
    const cold = {
      merges: order.length,
      registry: count.counts.registry,
      token: count.counts.token,
      issuer: reg.issuer.counts.total,
    };
    // Warm: more rounds through the same repositories.
    count.reset();
    reg.issuer.resetCounts();
    const samples: number[] = [];
    for (let r = 0; r < warmRounds; r++) {
      for (const repo of order) {
        const t0 = performance.now();
        await one(repo);
        samples.push(performance.now() - t0);
      }
    }
    const warm = {
      merges: samples.length,
      registry: count.counts.registry,
      token: count.counts.token,
      issuer: reg.issuer.counts.total,
      s: summarize(samples),
    };
    client.close();
    progress(`  ${name}: warm ${warm.token / warm.merges} token requests per merge`);
    return { name, cold, warm } satisfies TokenScenario;
  };
  return [
    await scenario('one repository', [repos[0] as string], 100),
    await scenario('ten repositories in turn', repos, 10),
  ];
}

// -------------------------------------------------------------------------------- report

function report(
  machine: ReturnType<typeof describeMachine>,
  date: string,
  durationS: number,
  lat: LatencyReport,
  tput: ThroughputReport | undefined,
  tokens: TokenScenario[] | undefined,
): { text: string; targets: { name: string; ok: boolean }[] } {
  const v = (name: string) => {
    const found = lat.variants.get(name);
    if (!found) throw new Error(`no variant ${name}`);
    return found;
  };
  const libG = v('library, guard on (default)');
  const rawG = v('raw floor, guard requests');
  const libN = v('library, guard off');
  const rawN = v('raw floor, no guard requests');
  const libU = v('library, unchanged (no PUT)');
  const rawU = v('raw floor, unchanged');
  const ratioG = libG.s.median / rawG.s.median;
  // Both variants ran once per round: the median of the per-round differences.
  const paired = (a: Variant, b: Variant) =>
    summarize(a.samples.map((x, i) => x - (b.samples[i] ?? Number.NaN))).median;
  const targets: { name: string; ok: boolean }[] = [];
  targets.push({
    name: `library ÷ raw floor ≤ ${TARGET_RATIO.toFixed(2)} (median, guard on)`,
    ok: ratioG <= TARGET_RATIO,
  });

  const out: string[] = [];
  out.push('# Benchmarks');
  out.push('');
  out.push(
    '_Generated by `npm run bench` (scripts/bench/bench.ts); the whole file is what that run printed. Do not edit by hand: run it again._',
  );
  out.push('');
  out.push(
    table(
      ['', ''],
      [
        ['Date', date],
        ['Command', '`npm run bench`'],
        ['CPU', machine.cpu],
        ['Cores', String(machine.cores)],
        ['Memory', machine.memory],
        ['OS', machine.os],
        ['Node', machine.node],
        ['Registry', machine.registry],
        ['Run time', `${durationS.toFixed(0)} s`],
        [
          'Load average (1/5/15 min)',
          `${fmtLoad(LOAD_AT_START)} at start, ${fmtLoad(os.loadavg())} at the end`,
        ],
      ],
    ),
  );
  out.push('');
  out.push(
    'Every registry is a local `docker-registry` (CNCF distribution) on loopback with temporary filesystem storage, started and stopped by the bench. The source lists are buildx-style OCI indexes (2 platforms + 2 attestations); the destination starts with 4 platforms, so a merge pushes a 6-entry index. Times are wall-clock ms per merge in one process; ratios compare against a baseline measured in the same run.',
  );

  // 1
  out.push('');
  out.push('## 1. One merge: library vs raw floor (anonymous registry)');
  out.push('');
  out.push(
    `The raw floor sends the library's request sequence for one merge with Node's own \`fetch\` (undici, keep-alive pool) in the same process: the two GETs concurrently (as the library does), then HEAD, PUT of the same bytes with the same Content-Type, HEAD; same Accept and User-Agent; no parsing, merging or digest checks. The library uses axios over \`http.Agent({ keepAlive: true })\`. Each merge alternates the source between two tags, so every merge changes the list and PUTs (after the warm-up both results are already stored, so no PUT writes a new blob; section 4 pushes new bytes every time). ${WARMUP} warm-up rounds, then ${ROUNDS} rounds; each round runs every variant of sections 1–3 once, in a rotating order (interleaved to cancel drift). "Bench CPU ms per merge" is this process's user + system CPU time per merge (HTTP stack included; the registry's not). "New TCP connections" counts sockets opened during the measured rounds (0 = full connection reuse on both sides).`,
  );
  out.push('');
  const latRow = (x: { v: Variant; s: Summary }, base: { s: Summary } | undefined) => [
    x.v.name,
    x.v.requests,
    ms(x.s.median),
    ms(x.s.p95),
    ms(x.s.mean),
    base ? ratio(x.s.median / base.s.median) : '1.00× (baseline)',
    base ? ratio(x.s.p95 / base.s.p95) : '',
    ms(x.v.cpuMs / x.s.n),
    String(x.v.connections),
  ];
  const latHeader = [
    'Variant',
    'Requests per merge',
    'Median ms',
    'p95 ms',
    'Mean ms',
    'Median ÷ floor',
    'p95 ÷ floor',
    'Bench CPU ms per merge',
    'New TCP connections',
  ];
  out.push(
    table(latHeader, [
      latRow(rawG, undefined),
      latRow(libG, rawG),
      latRow(rawN, undefined),
      latRow(libN, rawN),
    ]),
  );
  out.push('');
  out.push(
    `Target: library ÷ raw floor ≤ ${TARGET_RATIO.toFixed(2)} (median, guard on, the default): ${ratio(ratioG)} → ${met(ratioG <= TARGET_RATIO)} (with the guard off, a shorter floor: ${ratio(libN.s.median / rawN.s.median)}). Library time above the floor (median of per-round differences): ${ms(paired(libG.v, rawG.v))} ms per merge with the guard, ${ms(paired(libN.v, rawN.v))} ms without, ${ms(paired(libU.v, rawU.v))} ms unchanged; its CPU time per merge is ${ms(libG.v.cpuMs / libG.s.n)} ms against ${ms(rawG.v.cpuMs / rawG.s.n)} ms for the raw floor.`,
  );

  // 2
  out.push('');
  out.push('## 2. Cost of the guard requests on their own');
  out.push('');
  const guardCost = libG.s.median - libN.s.median;
  const rawGuardCost = rawG.s.median - rawN.s.median;
  out.push(
    table(
      ['', 'Median ms', 'p95 ms', 'Ratio (median)'],
      [
        [
          'library, `guardConcurrentWrites: false`',
          ms(libN.s.median),
          ms(libN.s.p95),
          '1.00× (baseline)',
        ],
        [
          'library, `guardConcurrentWrites: true`',
          ms(libG.s.median),
          ms(libG.s.p95),
          ratio(libG.s.median / libN.s.median),
        ],
        ['difference (the two HEADs), library', ms(guardCost), '', ''],
        ['difference (the two HEADs), raw floor', ms(rawGuardCost), '', ''],
      ],
    ),
  );
  out.push('');
  out.push(
    `The guard adds ${ms(guardCost)} ms per merge (${((guardCost / libN.s.median) * 100).toFixed(0)}% over a merge without it); two bare HEADs cost ${ms(rawGuardCost)} ms on the raw floor.`,
  );

  // 3
  out.push('');
  out.push('## 3. Unchanged merges (the result equals the destination: no PUT)');
  out.push('');
  out.push(table(latHeader, [latRow(rawU, undefined), latRow(libU, rawU)]));
  out.push('');
  out.push(
    `An unchanged merge takes ${ms(libU.s.median)} ms, ${ratio(libU.s.median / libG.s.median)} of a merge that pushes (guard on), and ${ratio(libU.s.median / rawU.s.median)} of its own raw floor (two concurrent GETs).`,
  );

  // 4
  if (tput) {
    const runs = tput.runs;
    out.push('');
    out.push(`## 4. ${JOBS} merges of distinct tags (\`mergeMany\`, one shared client, guard on)`);
    out.push('');
    out.push(
      `Each library setting merges one source into ${JOBS} distinct destination tags of one repository with \`mergeMany\`, in two legs of ${Math.ceil(JOBS / 2)} tags; every merge pushes new bytes (each leg merges a source list of its own). Legs run in the order ${THROUGHPUT_ORDER.map(([w, c]) => `${w === 'library' ? 'library' : 'raw'} ${c}`).join(', ')}, then the reverse, so that drift and other work on the machine hit every setting alike. The raw floor runs the same request sequence over ${RAW_JOBS} other tags (two legs) with a promise pool of the same size: it shows how far this machine (${machine.cores} cores shared by the registry, the bench and anything else running) scales at all. CPU columns: this process and the registry process (user + system) per merge, and the whole machine's busy share during the legs. Every destination tag holds distinct bytes (see the note below).`,
    );
    out.push('');
    // Both legs of one setting, added up.
    const find = (
      who: ThroughputRun['who'],
      c: number,
    ): (ThroughputRun & { legs: number[] }) | undefined => {
      const legs = runs.filter((r) => r.who === who && r.concurrency === c);
      if (legs.length === 0) return undefined;
      const sum = (f: (r: ThroughputRun) => number) => legs.reduce((a, r) => a + f(r), 0);
      const total = sum((r) => r.ms);
      return {
        who,
        concurrency: c,
        ms: total,
        jobs: sum((r) => r.jobs),
        retries: sum((r) => r.retries),
        cpu: {
          self: sum((r) => r.cpu.self),
          other: sum((r) => r.cpu.other),
          machineBusy: sum((r) => r.cpu.machineBusy * r.ms) / total,
        },
        legs: legs.map((r) => r.ms),
      };
    };
    const perS = (r: ThroughputRun | undefined) => (r ? r.jobs / (r.ms / 1000) : Number.NaN);
    const lib1 = perS(find('library', 1));
    const raw1 = perS(find('raw', 1));
    const rows: string[][] = [];
    for (const who of ['library', 'raw'] as const) {
      for (const c of [1, 4, 16]) {
        const r = find(who, c);
        if (!r) continue;
        rows.push([
          who === 'library' ? 'library' : 'raw floor',
          String(c),
          String(r.jobs),
          `${(r.ms / 1000).toFixed(2)} (${r.legs.map((l) => (l / 1000).toFixed(2)).join(' + ')})`,
          ms(r.ms / r.jobs),
          perS(r).toFixed(1),
          ratio(perS(r) / (who === 'library' ? lib1 : raw1)),
          ms(r.cpu.self / r.jobs),
          ms(r.cpu.other / r.jobs),
          `${(r.cpu.machineBusy * 100).toFixed(0)}%`,
          who === 'library' ? String(r.retries) : '',
        ]);
      }
    }
    out.push(
      table(
        [
          '',
          'Concurrency',
          'Merges',
          'Total s (leg 1 + leg 2)',
          'ms per merge',
          'Merges/s',
          'vs concurrency 1',
          'Bench CPU ms/merge',
          'Registry CPU ms/merge',
          'Machine CPU busy',
          'Retried requests',
        ],
        rows,
      ),
    );
    const lib16 = perS(find('library', 16));
    const raw16 = perS(find('raw', 16));
    const scaling = lib16 / lib1;
    const r16 = find('library', 16);
    const cpuPerMerge = r16 ? (r16.cpu.self + r16.cpu.other) / r16.jobs : Number.NaN;
    const ceiling = (machine.cores * 1000) / cpuPerMerge;
    targets.push({
      name: `concurrency 16 ≥ ${TARGET_SCALING}× concurrency 1 (library merges/s)`,
      ok: scaling >= TARGET_SCALING,
    });
    out.push('');
    out.push(
      `Target: concurrency 16 ≥ ${TARGET_SCALING}× concurrency 1: ${ratio(scaling)} → ${met(scaling >= TARGET_SCALING)}. The raw floor scales ${ratio(raw16 / raw1)} on the same machine; the library reaches ${((lib16 / raw16) * 100).toFixed(0)}% of the raw floor's merges/s at concurrency 16 (${((lib1 / raw1) * 100).toFixed(0)}% at concurrency 1). At concurrency 16 one library merge costs ${ms(cpuPerMerge)} CPU ms (bench + registry), so ${machine.cores} cores cap this setup at about ${ceiling.toFixed(0)} merges/s, ${ratio(ceiling / lib1)} the concurrency-1 rate, even with the machine to itself ("Machine CPU busy" counts every process, including other work).`,
    );
    out.push('');
    out.push(
      'Note: distribution 2.8.2 with filesystem storage answers `500 invalid checksum digest format` to a GET/HEAD that races with concurrent PUTs of the *same* manifest bytes to other tags (reads of a half-written link file). The library retries a 500, so it survives such a run, but with back-off sleeps; the raw floor does not retry. Hence each tag here carries its own name as a top-level annotation, which the merge keeps (the sources have none), so concurrent PUTs never share bytes.',
    );
  }

  // 5
  if (tokens) {
    out.push('');
    out.push('## 5. Requests per merge under token auth');
    out.push('');
    out.push(
      "A token-auth registry (our test token issuer, RS256 JWTs, 300 s tokens). Each scenario uses a fresh `HttpRegistryClient` (alice, pull+push): a cold pass takes each repository once, then warm rounds go through the same repositories again. Registry and token requests are counted by the client's `onRequest` (`kind`) and, for tokens, also by the issuer itself. The times come from another registry process at another moment than section 1: compare them with care.",
    );
    out.push('');
    const rows = tokens.flatMap((t) => [
      [
        t.name,
        'cold',
        String(t.cold.merges),
        (t.cold.registry / t.cold.merges).toFixed(2),
        (t.cold.token / t.cold.merges).toFixed(2),
        (t.cold.issuer / t.cold.merges).toFixed(2),
        '',
      ],
      [
        t.name,
        'warm',
        String(t.warm.merges),
        (t.warm.registry / t.warm.merges).toFixed(2),
        (t.warm.token / t.warm.merges).toFixed(2),
        (t.warm.issuer / t.warm.merges).toFixed(2),
        ms(t.warm.s.median),
      ],
    ]);
    out.push(
      table(
        [
          'Scenario',
          'Pass',
          'Merges',
          'Registry requests / merge',
          'Token requests / merge (client)',
          'Token requests / merge (issuer)',
          'Median ms per merge',
        ],
        rows,
      ),
    );
    for (const t of tokens) {
      const ok = t.warm.token === 0 && t.warm.issuer === 0;
      targets.push({ name: `${t.name}: 0 token requests per merge once warm`, ok });
    }
    out.push('');
    out.push(
      `Target: 0 token requests per merge once warm, for ten repositories in turn: ${met(targets.at(-1)?.ok === true)} (one repository: ${met(targets.at(-2)?.ok === true)}).`,
    );
  }

  out.push('');
  out.push('## Targets');
  out.push('');
  out.push(
    table(
      ['Target', 'Result'],
      targets.map((t) => [t.name, met(t.ok)]),
    ),
  );
  out.push('');
  return { text: out.join('\n'), targets };
}

// ---------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  const started = performance.now();
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const machine = describeMachine();
  progress('starting registries (anonymous, token)');
  const [anon, tok] = await Promise.all([
    startAnonymousRegistry(),
    ONLY_LATENCY ? Promise.resolve(undefined) : startTokenRegistry(),
  ]);
  registries.push(anon);
  if (tok) registries.push(tok);

  progress('pushing the source and destination lists');
  const destInit = await pushFixtureLists(anon, REPO);
  // What the library pushes for src-a into (initial | src-b state) and for src-b into src-a
  // state; checked to be stable, so the raw floor can PUT the same bytes.
  const probe = new HttpRegistryClient();
  await resetTag(anon, REPO, 'probe', destInit);
  const a1 = await libMerge(probe, anon.host, REPO, 'src-a', 'probe', { expectPushed: true });
  const b1 = await libMerge(probe, anon.host, REPO, 'src-b', 'probe', { expectPushed: true });
  const a2 = await libMerge(probe, anon.host, REPO, 'src-a', 'probe', { expectPushed: true });
  const b2 = await libMerge(probe, anon.host, REPO, 'src-b', 'probe', { expectPushed: true });
  if (
    !sameBytes(a1.bytes, a2.bytes) ||
    !sameBytes(b1.bytes, b2.bytes) ||
    a1.mediaType !== b1.mediaType
  ) {
    throw new Error('the merge results are not stable; the raw floor cannot replay them');
  }
  probe.close();
  const fx: Fixture = { destInit, bytes: { a: a1.bytes, b: b1.bytes }, mediaType: a1.mediaType };
  progress(
    `merged list: ${fx.mediaType}, ${a1.bytes.byteLength} bytes, ${a1.manifestList.manifests.length} entries`,
  );

  const lat = await measureLatency(anon, fx);
  const tput = ONLY_LATENCY ? undefined : await measureThroughput(anon, fx);
  const tokens = tok ? await measureTokens(tok) : undefined;
  await stopAll();

  const { text, targets } = report(
    machine,
    date,
    (performance.now() - started) / 1000,
    lat,
    tput,
    tokens,
  );
  process.stdout.write(`${text}`);
  if (WRITE) {
    await writeFile(DOC, text);
    progress(`wrote ${DOC}`);
  }
  const missed = targets.filter((t) => !t.ok).length;
  progress(missed === 0 ? 'all targets met' : `${missed} target(s) missed`);
}

const watchdog = setTimeout(() => {
  progress(`watchdog: still running after ${WATCHDOG_MS / 60_000} min, giving up`);
  void stopAll().finally(() => process.exit(1));
}, WATCHDOG_MS);
watchdog.unref();

main()
  .catch(async (error: unknown) => {
    progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await stopAll();
    process.exitCode = 1;
  })
  .finally(() => {
    clearTimeout(watchdog);
  });
