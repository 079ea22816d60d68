// Stress: separate processes of the built CLI, one per platform, merging into one tag at once,
// round after round, on loopback and behind a 20 ms latency proxy. Whatever the interleaving,
// a run that exits 0 has its platform in the tag; the only other way out is a conflict (3).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifestList } from '../../../src/index.js';
import { type CliRun, runSpawned } from '../../support/cli.js';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy.js';
import { getManifest, type PushedList, pushList } from '../../support/images.js';
import { type LatencyProxy, startLatencyProxy } from '../../support/latency-proxy.js';
import { startAnonymousRegistry, type TestRegistry, uniqueRepo } from '../../support/registry.js';

const WRITERS = ['amd64', 'arm64', 's390x', 'ppc64le', 'riscv64', '386'];
const BASE = 'mips64le';

let reg: TestRegistry;
let faults: FaultProxy;
let remote: LatencyProxy;
const repo = uniqueRepo('stress');
const builds = new Map<string, PushedList>();

beforeAll(async () => {
  reg = await startAnonymousRegistry();
  faults = await startFaultProxy(reg);
  remote = await startLatencyProxy(faults, 20);
  for (const arch of WRITERS) {
    builds.set(arch, await pushList(reg, repo, `build-${arch}`, { platforms: [`linux/${arch}`] }));
  }
});

afterAll(async () => {
  await remote?.stop();
  await faults?.stop();
  await reg?.stop();
});

interface RoundReport {
  codes: number[];
  conflicts: number;
}

/**
 * One round: a fresh tag holding BASE, then every writer at once. With `gate`, every
 * writer's read of the tag is held until all have asked, so all start from the same list.
 */
async function round(host: string, tag: string, gate: boolean): Promise<RoundReport> {
  await pushList(reg, repo, tag, { platforms: [`linux/${BASE}`] });
  let open: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    open = resolve;
  });
  const hold = gate
    ? faults.addFault({
        method: 'GET',
        path: new RegExp(`/manifests/${tag}$`),
        action: 'hold',
        until: released,
        times: WRITERS.length,
      })
    : undefined;
  const runs = WRITERS.map((arch) =>
    runSpawned([
      'merge',
      '--src',
      `${host}/${repo}:build-${arch}`,
      '--dest',
      `${host}/${repo}:${tag}`,
    ]),
  );
  if (hold) {
    const deadline = Date.now() + 20_000;
    while (hold.hits < WRITERS.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    open();
  }
  const results: CliRun[] = await Promise.all(runs);
  hold?.remove();
  const final = parseManifestList((await getManifest(reg, repo, tag)).bytes);
  const byArch = new Map(final.manifests.map((m) => [m.platform?.architecture, m.digest]));
  expect(byArch.has(BASE)).toBe(true);
  results.forEach((run, i) => {
    const arch = WRITERS[i] as string;
    expect([0, 3], `${arch}: exit ${run.code}\n${run.stderr}`).toContain(run.code);
    if (run.code === 0) {
      // Exit 0 promises the platform is in the tag with this run's image.
      expect(byArch.get(arch), `${arch} exited 0 but is not in the tag`).toBe(
        builds.get(arch)?.images[0]?.digest,
      );
    } else {
      expect(run.stderr).toMatch(/CONFLICT|conflict|changing|losing/i);
    }
  });
  return {
    codes: results.map((r) => r.code),
    conflicts: results.filter((r) => r.code === 3).length,
  };
}

describe('independent CLI processes merging into one tag at once', () => {
  it('on loopback: no run exits 0 with its platform gone', { timeout: 120_000 }, async () => {
    const reports: RoundReport[] = [];
    for (let i = 0; i < 6; i++) reports.push(await round(faults.host, `loop-${i}`, i % 2 === 0));
    const runs = reports.flatMap((r) => r.codes);
    // Conflicts are allowed, but the protocol must not give up on most merges.
    expect(runs.filter((c) => c === 0).length).toBeGreaterThan(runs.length / 2);
  });

  it('behind a 20 ms round trip: no run exits 0 with its platform gone', {
    timeout: 120_000,
  }, async () => {
    const reports: RoundReport[] = [];
    for (let i = 0; i < 4; i++) reports.push(await round(remote.host, `remote-${i}`, i % 2 === 0));
    const runs = reports.flatMap((r) => r.codes);
    expect(runs.filter((c) => c === 0).length).toBeGreaterThan(runs.length / 2);
  });
});
