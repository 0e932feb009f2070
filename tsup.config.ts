import { existsSync, readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { commandManifest } from './src/commands/index.js';
import { bundledPg, lazyPgCrypto } from './src/commands/trace-bundle-plugins.js';

// Each command (and the context the shell builds for it) is an entry of the ES module build, at
// a stable path dist/commands/<name>.js that the shell imports only when that command runs.
// A noun with several verbs is a folder (src/commands/<noun>/index.ts registers its verb files).
const commandEntries = Object.fromEntries(
  [...commandManifest.map((c) => c.name), 'context'].map((name) => [
    `commands/${name}`,
    existsSync(`src/commands/${name}/index.ts`) ? `src/commands/${name}/index.ts` : `src/commands/${name}.ts`,
  ]),
);
const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

export default defineConfig([
  {
    // the library and the commands: ES modules, shared code split into chunks
    entry: { 'core/index': 'src/core/index.ts', 'core/internal': 'src/core/internal.ts', ...commandEntries },
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
  },
  {
    // the shell: CommonJS with commander bundled in, so `medicalcor --help` loads one file and
    // never sets up Node's ES module loader; before it, help-fast answers help and TAB from the
    // screens scripts/build-help.mjs wrote (no commander at all)
    entry: { cli: 'src/cli.ts', 'help-fast': 'src/commands/help-fast.ts' },
    format: ['cjs'],
    outExtension: () => ({ js: '.cjs' }),
    target: 'node20',
    platform: 'node',
    noExternal: ['commander'],
    define: { CLI_VERSION: JSON.stringify(version) },
    sourcemap: true,
    minify: true,
    outDir: 'dist',
  },
  {
    // `trace` once more as one CommonJS file with its context (src/commands/trace-bundle.ts): the
    // shell requires it whole, so a trace reads one file and never sets up the ES module loader
    entry: { 'commands/trace': 'src/commands/trace-bundle.ts' },
    // pg too: one file instead of some thirty to find and read (pg-native is pg's optional addon)
    noExternal: [/^pg(-|$)/, /^postgres-/, 'xtend', 'split2', 'pgpass'],
    external: ['pg-native', 'pg-cloudflare'],
    esbuildPlugins: [bundledPg, lazyPgCrypto],
    format: ['cjs'],
    outExtension: () => ({ js: '.cjs' }),
    target: 'node20',
    platform: 'node',
    shims: true,
    sourcemap: true,
    minify: true,
    outDir: 'dist',
  },
]);
