export { createRedisClient, openRedis, scanKeys, isCluster, DEFAULT_COMMAND_TIMEOUT_MS } from './client.js';
export type { Cluster, RedisClient, RedisClientOptions } from './client.js';
/** What every caller holds: one node (also behind Sentinel) or a Cluster. */
export type { RedisClient as Redis } from './client.js';
export { parseRedisTarget, type RedisTarget } from './target.js';
export { runScript } from './script.js';
export { hashTagged } from './keys.js';
