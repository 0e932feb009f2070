import { Cluster, Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** a Redis step deadline for tests that are not about timeouts: a busy 2-core machine is slow, not down */
export const PATIENT_MS = 10_000;
/** the 3-master Cluster .ci/start-redis-cluster.sh starts (ports 7001-7003) */
export const TEST_REDIS_CLUSTER_URL =
  process.env.TEST_REDIS_CLUSTER_URL ?? 'redis+cluster://127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003';

/** A key prefix of its own for each test, so test files can share one Redis in parallel. */
export function uniquePrefix(name = 'test'): string {
  return `mctest:${name}:${randomBytes(4).toString('hex')}:`;
}

/** Removes every key a test wrote under its prefix (on every master of a Cluster), by SCAN. */
export async function deleteKeys(redis: Redis | Cluster, prefix: string): Promise<void> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      // one DEL per key: a Cluster refuses a DEL over several slots
      for (const key of keys) await node.del(key);
    } while (cursor !== '0');
  }
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
