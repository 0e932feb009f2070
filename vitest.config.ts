import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));
const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

export default defineConfig({
  // src/cli.ts gets its version from the bundler; in-process tests (helpers/in-process.ts) need it too
  define: { CLI_VERSION: JSON.stringify(version) },
  plugins: [
    {
      // src/cli.ts imports ./commands/<noun>.js, which the build makes from src/commands/<noun>/index.ts
      // when the noun is a folder (tsup.config.ts); in-process tests resolve it the same way
      name: 'command-folders',
      resolveId(source) {
        // the computed import reaches here as "./commands/sla.js" or, resolved by vite, "/src/commands/sla.js"
        const noun = /^(?:\.|\/src)\/commands\/([a-z-]+)\.js$/.exec(source)?.[1];
        if (!noun) return null;
        const index = join(root, 'src', 'commands', noun, 'index.ts');
        return existsSync(index) ? index : null;
      },
    },
  ],
  test: {
    include: ['test/**/*.test.ts'],
    // generous per test: on a busy 2-core machine a PGlite start or a dbmate run can take many times
    // its idle duration; no test asserts on time, so a long limit only costs time when a test hangs
    testTimeout: 180_000,
    hookTimeout: 300_000,
    teardownTimeout: 60_000,
    // Integration tests share one PostgreSQL and one Redis; each test file uses its own database/key prefix.
    fileParallelism: true,
    maxWorkers: 3,
  },
});
