import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

export default defineConfig({
  // src/cli.ts gets its version from the bundler; in-process tests (helpers/in-process.ts) need it too
  define: { CLI_VERSION: JSON.stringify(version) },
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
