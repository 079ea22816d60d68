// Builds dist/ once before any test file runs, so the package and CLI tests use one build
// and never race a rebuild (tsup cleans dist/ as it starts).
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export default function buildOnce(): void {
  const root = resolve(import.meta.dirname, '../..');
  execFileSync(resolve(root, 'node_modules/.bin/tsup'), ['--silent'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
