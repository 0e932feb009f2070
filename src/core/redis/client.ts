import { Redis } from 'ioredis';
import { CliError, ExitCode } from '../../cli-kit/index.js';
import { maskUrl } from '../redact.js';

export type { Redis };

/**
 * A Redis connection that fails fast with one clear message instead of retrying forever:
 * an operator at 3 a.m. needs "cannot reach Redis at …", not a hung command.
 */
export async function openRedis(url: string, options: { connectTimeoutMs?: number } = {}): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 5_000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new CliError(`Cannot reach Redis at ${maskUrl(url)}: ${(error as Error).message}.`, ExitCode.Operational, 'Check that Redis is running and the URL (MEDICALCOR_REDIS_URL or redisUrl in the config) is right.', { cause: error });
  }
  return redis;
}
