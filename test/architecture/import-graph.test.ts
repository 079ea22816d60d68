// The house rules, read off the import graph of src/: each room imports only the rooms
// beneath it, axios only inside src/http/, and the pure rooms no I/O module of Node.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

/**
 * The rooms, lowest first. A module may import its own room and the rooms listed before it:
 * never one listed after it.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['util', 'logger', 'errors'],
  ['manifest'],
  ['merge'],
  ['registry'],
  ['http'],
  ['compat'],
  ['publish'],
  ['index'],
  ['cli'],
];

/** Rooms that must stay pure: no network, file or process access. */
const PURE = new Set(['manifest', 'merge']);
const IO_MODULES = /^(node:)?(http|https|net|tls|fs|fs\/promises|child_process|dgram|dns)$/;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function roomOf(file: string): string {
  const rel = relative(SRC, file).replace(/\\/g, '/');
  const first = rel.split('/')[0] as string;
  return first.endsWith('.ts') ? first.replace(/\.ts$/, '') : first;
}

const layerOf = (room: string): number => LAYERS.findIndex((l) => l.includes(room));

interface Import {
  from: string;
  spec: string;
  target?: string;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const out: Import[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]/g)) {
    const spec = m[1] as string;
    out.push({
      from: file,
      spec,
      ...(spec.startsWith('.')
        ? { target: resolve(file, '..', spec.replace(/\.js$/, '.ts')) }
        : {}),
    });
  }
  return out;
}

const all = files(SRC).flatMap(importsOf);
const rel = (f: string) => relative(SRC, f);

describe('the import graph of src/', () => {
  it('knows every room', () => {
    const unknown = [...new Set(files(SRC).map(roomOf))].filter((r) => layerOf(r) === -1);
    expect(unknown).toEqual([]);
  });

  it('has no arrow pointing to a room above', () => {
    const upward = all
      .filter((i) => i.target !== undefined)
      .filter((i) => layerOf(roomOf(i.target as string)) > layerOf(roomOf(i.from)))
      .map((i) => `${rel(i.from)} → ${rel(i.target as string)}`);
    expect(upward).toEqual([]);
  });

  it('imports axios (and axios-retry) only in src/http/', () => {
    const outside = all
      .filter((i) => /^axios(-retry)?$/.test(i.spec) && roomOf(i.from) !== 'http')
      .map((i) => rel(i.from));
    expect(outside).toEqual([]);
  });

  it('names the HTTP client outside src/http/ only in src/compat/ (and the public index)', () => {
    const outside = all
      .filter((i) => i.target !== undefined && roomOf(i.target) === 'http')
      .filter((i) => !['http', 'compat', 'index', 'cli'].includes(roomOf(i.from)))
      .map((i) => `${rel(i.from)} → ${rel(i.target as string)}`);
    expect(outside).toEqual([]);
  });

  it('keeps manifest/ and merge/ free of I/O', () => {
    const io = all
      .filter((i) => PURE.has(roomOf(i.from)) && IO_MODULES.test(i.spec))
      .map((i) => `${rel(i.from)} → ${i.spec}`);
    expect(io).toEqual([]);
  });

  it('resolves every relative import to a file', () => {
    const missing = all
      .filter((i) => i.target !== undefined)
      .filter((i) => !files(SRC).includes(i.target as string))
      .map((i) => `${rel(i.from)} → ${i.spec}`);
    expect(missing).toEqual([]);
  });
});
