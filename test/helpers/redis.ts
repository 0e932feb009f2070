import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix of its own for each test, so test files can share one Redis in parallel. */
export function uniquePrefix(name = 'test'): string {
  return `mctest:${name}:${randomBytes(4).toString('hex')}:`;
}

/** Removes every key a test wrote under its prefix. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
}

/** The Redis connections a test file opens; closeAll() deletes the file's keys and closes them all. */
export function redisConnections(prefix: string) {
  const opened: Redis[] = [];
  const connect = (): Redis => {
    const redis = new Redis(TEST_REDIS_URL);
    opened.push(redis);
    return redis;
  };
  return {
    connect,
    async closeAll(): Promise<void> {
      await deleteKeys(connect(), prefix);
      for (const redis of opened) redis.disconnect();
    },
  };
}
