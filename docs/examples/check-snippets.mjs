#!/usr/bin/env node
// Keeps the TypeScript snippets of the docs identical to the type-checked files of
// docs/examples/ (which `tsc --noEmit` compiles), so no example can rot unnoticed.
//
// In the checked Markdown files every ```ts block must start with one of:
//   // docs/examples/NAME.ts          the block is that whole file
//   // from docs/examples/NAME.ts     the block is a contiguous excerpt of that file
// Files import '../../src/index.js'; the docs show 'manifest-list-merger'.
// `--write` rewrites whole-file blocks from their files (excerpts are only checked).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHECKED = [
  'docs/guide.md',
  'docs/recipes.md',
  'docs/troubleshooting.md',
  'docs/migrating-from-pubtools-quay.md',
];
const FENCE = /^```(?:ts|typescript)\n([\s\S]*?)^```$/gm;
const MARKER = /^\/\/ (from )?(docs\/examples\/[\w.-]+\.ts)\n/;

const asShown = (text) =>
  text.replaceAll("from '../../src/index.js'", "from 'manifest-list-merger'");

const write = process.argv.includes('--write');
const problems = [];
let checked = 0;
for (const doc of CHECKED) {
  const text = readFileSync(join(root, doc), 'utf8');
  let updated = text;
  for (const match of text.matchAll(FENCE)) {
    const line = text.slice(0, match.index).split('\n').length;
    const block = match[1] ?? '';
    const marker = MARKER.exec(block);
    if (!marker) {
      problems.push(`${doc}:${line}: a ts block without a '// docs/examples/NAME.ts' line`);
      continue;
    }
    const [, excerpt, file] = marker;
    let source;
    try {
      source = asShown(readFileSync(join(root, file), 'utf8'));
    } catch {
      problems.push(`${doc}:${line}: ${file} does not exist`);
      continue;
    }
    const body = block.slice(marker[0].length);
    const ok = excerpt ? source.includes(body) : source.trim() === body.trim();
    if (!ok && write && !excerpt) {
      updated = updated.replace(match[0], `\`\`\`ts\n${marker[0]}${source.trim()}\n\`\`\``);
    } else if (!ok) {
      problems.push(`${doc}:${line}: differs from ${file}${excerpt ? ' (excerpt)' : ''}`);
    }
    checked++;
  }
  if (updated !== text) writeFileSync(join(root, doc), updated);
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`docs snippets: ${checked} checked against docs/examples/`);
