import { defineConfig } from 'tsup';

// One ESM bundle with code splitting: each command is its own chunk, loaded only when invoked,
// so `medicalcor --help` does not pay for pg, PGlite, the Kubernetes client or inquirer.
export default defineConfig({
  entry: { cli: 'src/cli.ts', 'core/index': 'src/core/index.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  splitting: true,
  sourcemap: true,
  // less to parse on every start (source maps keep stack traces readable with --debug)
  minify: true,
  clean: true,
  dts: { entry: { 'core/index': 'src/core/index.ts' } },
  outDir: 'dist',
  // commander is on every start-up path: bundled, it is read as one file instead of resolved as seven
  noExternal: ['commander'],
  banner: { js: "import { createRequire as __mcCreateRequire } from 'node:module'; const require = __mcCreateRequire(import.meta.url);" },
});
