import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    // Keep the CLI while the library's build cleans dist/: tests may be running it.
    clean: ['!cli.js', '!cli.js.map'],
    splitting: false,
    treeshake: true,
  },
  {
    // The `manifest-list-merger` command (package `bin`): one ESM file, shebang kept from
    // src/cli/main.ts. It bundles the library code it uses; commander stays a dependency.
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    dts: false,
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    clean: false,
    splitting: false,
    treeshake: true,
  },
]);
