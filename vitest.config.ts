import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));
const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

export default defineConfig({
  plugins: [
    {
      // in-process tests load commands from source: a noun folder's index.ts stands for ./commands/<noun>.js, as in tsup
      name: 'medicalcor-noun-folders',
      resolveId(source) {
        const noun = /^(?:\.|\/src)\/commands\/([a-z-]+)\.js$/.exec(source)?.[1];
        if (!noun) return null;
        const index = resolve(root, 'src/commands', noun, 'index.ts');
        return existsSync(index) ? index : null;
      },
    },
  ],
  // src/cli.ts gets its version from the bundler; in-process tests (helpers/in-process.ts) need it too
  define: { CLI_VERSION: JSON.stringify(version) },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests share one PostgreSQL and one Redis; each test file uses its own database/key prefix.
    fileParallelism: true,
    maxWorkers: 3,
  },
});
