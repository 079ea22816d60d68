// `npm run bench`: merge benchmarks against local CNCF registries started here (temporary
// storage, stopped at the end), on loopback and through a proxy emulating a remote registry.
// Prints a Markdown report and writes it, unchanged, to docs/benchmarks.md. Not part of
// `npm test`. Knobs: scripts/bench/config.ts (BENCH_ROUNDS, BENCH_REMOTE_ROUNDS, BENCH_RTT_MS,
// BENCH_JOBS, BENCH_CONTENTION_ROUNDS, BENCH_NO_WRITE=1, BENCH_ONLY=latency).
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startAnonymousRegistry, startTokenRegistry } from '../../test/support/registry.js';
import {
  CONTENTION_ROUNDS,
  JOBS,
  LOAD_AT_START,
  ONLY_LATENCY,
  progress,
  REMOTE_CONCURRENCY,
  REMOTE_RTT_MS,
  ROUNDS,
  WRITE,
} from './config.js';
import { type Endpoint, loopbackEndpoint, pushFixture, REPO } from './fixture.js';
import { describeMachine } from './machine.js';
import { startRemote } from './remote.js';
import { report } from './report/index.js';
import type { EndpointResults } from './report/model.js';
import { measureContention } from './scenarios/contention.js';
import { measureLatency } from './scenarios/latency.js';
import { prepareTags } from './scenarios/tags.js';
import { type LegPlan, measureThroughput } from './scenarios/throughput.js';
import { measureTokens } from './scenarios/tokens.js';

const DOC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'benchmarks.md');
const WATCHDOG_MS = 10 * 60_000;

// Everything started here, stopped at the end, on a signal or on failure.
const running: { stop(): Promise<void> }[] = [];
let stopping: Promise<void> | undefined;
function stopAll(): Promise<void> {
  stopping ??= Promise.allSettled(running.map((r) => r.stop())).then(() => undefined);
  return stopping;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping the registries`);
    void stopAll().finally(() => process.exit(130));
  });
}

const halves = <T>(xs: readonly T[]): [T[], T[]] => {
  const mid = Math.ceil(xs.length / 2);
  return [xs.slice(0, mid), xs.slice(mid)];
};

async function main(): Promise<void> {
  const started = performance.now();
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const machine = describeMachine();
  progress(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')}`,
  );
  progress('starting registries (anonymous, token) and the latency proxy');
  const [anon, tok] = await Promise.all([
    startAnonymousRegistry(),
    ONLY_LATENCY ? Promise.resolve(undefined) : startTokenRegistry(),
  ]);
  running.push(anon);
  if (tok) running.push(tok);
  const proxy = await startRemote(anon.url, REMOTE_RTT_MS);
  running.push(proxy);
  const loopback = loopbackEndpoint(anon);
  const remote: Endpoint = {
    key: 'remote',
    label: `${REMOTE_RTT_MS} ms RTT`,
    url: proxy.url,
    host: proxy.host,
    altHost: proxy.altHost,
    rttMs: REMOTE_RTT_MS,
    proxyRequests: proxy.requests,
    proxyPid: proxy.pid,
  };

  progress('pushing the source and destination lists');
  const fx = await pushFixture(anon, REPO);
  progress(`merged list: ${fx.mediaType}, ${fx.bytes.a.byteLength} bytes, ${fx.entries} entries`);

  const results = {} as Record<'remote' | 'loopback', EndpointResults>;
  results.remote = { latency: await measureLatency(anon, remote, fx, ROUNDS.remote) };
  results.loopback = { latency: await measureLatency(anon, loopback, fx, ROUNDS.loopback) };
  let tokens: Awaited<ReturnType<typeof measureTokens>> | undefined;
  if (!ONLY_LATENCY) {
    for (const [key, ep] of [
      ['remote', remote],
      ['loopback', loopback],
    ] as const) {
      results[key].contention = await measureContention(anon, ep, fx, CONTENTION_ROUNDS);
    }
    const tags = await prepareTags(anon, fx, JOBS);
    // Remote: the library's legs over all the tags, the baseline's (sequential, slow) over a
    // quarter each. Loopback: a quarter each for every setting.
    const [lib0, lib1] = halves(tags.library);
    const [seed0, seed1] = halves(tags.seed);
    const quarter = (xs: string[]) => halves(xs)[0];
    const seedQuarters = [quarter(seed0), quarter(seed1)] as const;
    const libQuarters = [quarter(lib0), quarter(lib1)] as const;
    const remotePlan: LegPlan[] = [
      ['seed', 1, seedQuarters],
      ['library', REMOTE_CONCURRENCY, [tags.library, tags.library]],
    ];
    const loopbackPlan: LegPlan[] = [
      ['library', 1, libQuarters],
      ['seed', 1, seedQuarters],
      ['library', 4, libQuarters],
      ['library', 16, libQuarters],
    ];
    progress(`throughput, ${remote.label}`);
    results.remote.throughput = await measureThroughput(anon, remote, fx, tags, remotePlan);
    progress('throughput, loopback');
    results.loopback.throughput = await measureThroughput(anon, loopback, fx, tags, loopbackPlan);
    tags.close();
    tokens = tok ? await measureTokens(tok) : undefined;
  }
  await stopAll();

  const { text, targets } = report({
    machine,
    date,
    durationS: (performance.now() - started) / 1000,
    load: { start: LOAD_AT_START, end: os.loadavg() },
    remote: results.remote,
    loopback: results.loopback,
    ...(tokens ? { tokens } : {}),
  });
  process.stdout.write(text);
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
