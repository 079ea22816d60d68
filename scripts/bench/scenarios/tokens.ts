// Requests per merge under token auth: a cold client, then warm rounds through the same
// repositories. Registry and token requests counted by `onRequest` and by the issuer itself.
import { performance } from 'node:perf_hooks';
import { HttpRegistryClient } from '../../../src/index.js';
import type { TokenTestRegistry } from '../../../test/support/registry.js';
import { progress } from '../config.js';
import { pushFixtureLists, setTag } from '../fixture.js';
import { counter, libMerge } from '../library.js';
import { type Summary, summarize } from '../stats.js';

interface Pass {
  merges: number;
  registry: number;
  token: number;
  issuer: number;
}

export interface TokenScenario {
  name: string;
  cold: Pass;
  warm: Pass & { s: Summary };
}

export async function measureTokens(reg: TokenTestRegistry): Promise<TokenScenario[]> {
  const repos = Array.from({ length: 10 }, (_, i) => `tok/repo${i}`);
  progress('token auth: pushing 10 repositories');
  await Promise.all(
    repos.map(async (repo) => setTag(reg, repo, 'dest', await pushFixtureLists(reg, repo))),
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
      await libMerge({
        client,
        host: reg.host,
        repo,
        src: `src-${s}`,
        dest: 'dest',
        expectPushed: true,
      });
    };
    const pass = (merges: number): Pass => ({
      merges,
      registry: count.counts.registry,
      token: count.counts.token,
      issuer: reg.issuer.counts.total,
    });
    // Cold: a fresh client takes each repository once.
    count.reset();
    reg.issuer.resetCounts();
    for (const repo of order) await one(repo);
    const cold = pass(order.length);
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
    const warm = { ...pass(samples.length), s: summarize(samples) };
    client.close();
    progress(`  ${name}: warm ${warm.token / warm.merges} token requests per merge`);
    return { name, cold, warm } satisfies TokenScenario;
  };
  return [
    await scenario('one repository', [repos[0] as string], 100),
    await scenario('ten repositories in turn', repos, 10),
  ];
}
