import { describeDatabaseUrl } from '../core/config/index.js';
import { openDatabase, type Database } from '../core/db/index.js';
import type { Redis } from '../core/redis/index.js';
import { noteOnce, progressCallback } from '../cli-kit/index.js';
import type { CommandContext } from './context.js';
import { redisNotConfigured } from './factory.js';

/** Opens the environment's database (or the embedded one) for one action and always closes it. */
export async function withDatabase<T>(ctx: CommandContext, command: string, work: (db: Database) => Promise<T>): Promise<T> {
  const progress = progressCallback({ stderr: ctx.io.stderr, progress: ctx.io.progress ?? 'off', color: ctx.io.color });
  const db = await openDatabase(ctx.config(), (line) => noteOnce(ctx.io, line), {
    onProgress: progress.onProgress, command: `medicalcor ${command}`, applicationName: `medicalcor ${command} (pid ${process.pid})`, cwd: ctx.streams.cwd });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/** The database as it may be shown: the embedded one by its directory, a server with its password masked. */
export function describeDatabase(ctx: CommandContext, db: Database): string {
  if (db.embedded) return `embedded (${ctx.config().embeddedDataDir})`;
  return describeDatabaseUrl(ctx.config().databaseUrl!);
}

/** Opens the environment's Redis for one action and always disconnects. */
export async function withRedis<T>(ctx: CommandContext, work: (redis: Redis) => Promise<T>): Promise<T> {
  // ioredis is loaded here, not with this module: database-only commands must not pay for it
  const config = ctx.config();
  if (!config.redisConfigured) throw redisNotConfigured(config.envName);
  const { openRedis } = await import('../core/redis/index.js');
  const redis = await openRedis(config.redisUrl);
  try {
    return await work(redis);
  } finally {
    redis.disconnect();
  }
}
