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
  clean: true,
  dts: { entry: { 'core/index': 'src/core/index.ts' } },
  outDir: 'dist',
});
