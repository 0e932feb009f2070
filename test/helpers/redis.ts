import { randomBytes } from 'node:crypto';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix of its own for each test, so test files can share one Redis in parallel. */
export function uniquePrefix(name = 'test'): string {
  return `mctest:${name}:${randomBytes(4).toString('hex')}:`;
}
