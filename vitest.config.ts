import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

export default defineConfig({
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
