// Requests per merge under token auth.
import type { TokenScenario } from '../scenarios/tokens.js';
import { met, ms, table } from '../stats.js';
import type { Section, Target } from './model.js';

export function tokenSection(tokens: readonly TokenScenario[], n: number): Section {
  const per = (v: number, merges: number) => (v / merges).toFixed(2);
  const rows = tokens.flatMap((t) =>
    (['cold', 'warm'] as const).map((pass) => {
      const p = t[pass];
      return [
        t.name,
        pass,
        String(p.merges),
        per(p.registry, p.merges),
        per(p.token, p.merges),
        per(p.issuer, p.merges),
        pass === 'warm' ? ms(t.warm.s.median) : '',
      ];
    }),
  );
  const targets: Target[] = tokens.map((t) => ({
    name: `${t.name}: 0 token requests per merge once warm (loopback, token auth)`,
    figure: per(t.warm.token + t.warm.issuer, t.warm.merges),
    ok: t.warm.token === 0 && t.warm.issuer === 0,
  }));
  const lines = [
    '',
    `## ${n}. Requests per merge under token auth (loopback)`,
    '',
    "A token-auth registry (our test token issuer, RS256 JWTs, 300 s tokens). Each scenario uses a fresh `HttpRegistryClient` (alice, pull+push): a cold pass takes each repository once, then warm rounds go through the same repositories again (default protocol). Registry and token requests are counted by the client's `onRequest` (`kind`) and, for tokens, also by the issuer itself. Another registry process at another moment than the sections above: compare the times with care.",
    '',
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
    '',
    `Target: 0 token requests per merge once warm: ${tokens.map((t, i) => `${t.name} ${met(targets[i]?.ok === true)}`).join(', ')}.`,
  ];
  return { lines, targets };
}
