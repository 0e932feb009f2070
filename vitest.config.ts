import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests share one PostgreSQL and one Redis; each test file uses its own database/key prefix.
    fileParallelism: true,
    maxWorkers: 3,
  },
});
