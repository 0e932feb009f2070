import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { unavailable } from '../errors.js';
import { maskUrl } from '../redact.js';
import { parseRedisTarget } from './target.js';

export type { Redis, Cluster };
/** A single node (also behind Sentinel) or a Cluster: every core module takes either. */
export type RedisClient = Redis | Cluster;

export interface RedisClientOptions {
  /** a command that gets no answer within this fails (default 500 ms): a hung Redis never hangs a caller */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  /**
   * Keep reconnecting after a lost connection (services: true), with a delay that grows to at most
   * `maxReconnectDelayMs`; commands issued meanwhile fail at once (no offline queue). A CLI run
   * (false, the default) gives up on the first lost connection.
   */
  reconnect?: boolean;
  maxReconnectDelayMs?: number;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 500;

function retryStrategyOf(options: RedisClientOptions): (times: number) => number | null {
  const maxDelay = options.maxReconnectDelayMs ?? 2_000;
  return options.reconnect ? (times) => Math.min(50 * 2 ** Math.min(times, 10), maxDelay) : () => null;
}

function nodeOptions(options: RedisClientOptions): RedisOptions {
  return {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 2_000,
    commandTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    // one attempt per command: a retry loop is what made every guarded call hang for seconds
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: retryStrategyOf(options),
  };
}

/**
 * A client for the URL, not yet connected (it connects on `connect()`): `redis://` one node,
 * `redis+sentinel://h:p,h:p/master` through Sentinel, `redis+cluster://h:p,h:p` (or a list of
 * redis:// URLs) a Cluster. Every client has a command timeout, no per-command retry and no offline
 * queue, so an outage costs a caller at most the timeout.
 */
export function createRedisClient(url: string, options: RedisClientOptions = {}): RedisClient {
  const target = parseRedisTarget(url);
  const base = nodeOptions(options);
  let client: RedisClient;
  if (target.kind === 'single') client = new Redis(url, base);
  else if (target.kind === 'sentinel') {
    client = new Redis({
      ...base,
      sentinels: target.sentinels,
      name: target.masterName,
      password: target.password,
      username: target.username,
      sentinelPassword: target.password,
      db: target.db,
      sentinelRetryStrategy: retryStrategyOf(options),
    });
  } else {
    const clusterOptions: ClusterOptions = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRedirections: 4,
      retryDelayOnFailover: 50,
      retryDelayOnClusterDown: 50,
      clusterRetryStrategy: retryStrategyOf(options),
      redisOptions: {
        connectTimeout: base.connectTimeout,
        commandTimeout: base.commandTimeout,
        maxRetriesPerRequest: 0,
        password: target.password,
        username: target.username,
        ...(target.tls ? { tls: {} } : {}),
      },
    };
    client = new Cluster(target.nodes, clusterOptions);
  }
  // errors surface on the commands that meet them; an unhandled 'error' event would crash the process
  client.on('error', () => {});
  return client;
}

/**
 * A connected client that fails fast with one clear message instead of retrying forever:
 * an operator at 3 a.m. needs "cannot reach Redis at …", not a hung command.
 */
export async function openRedis(url: string, options: RedisClientOptions = {}): Promise<RedisClient> {
  const client = createRedisClient(url, { commandTimeoutMs: 5_000, ...options });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw unavailable(`Cannot reach Redis at ${maskUrl(url)}: ${(error as Error).message.replace(/\.+$/, '')}.`, {
      code: 'redis-unreachable',
      facts: { url: maskUrl(url) },
      remedy: 'Check that Redis is running and that the configured Redis URL is right.',
      cause: error,
    });
  }
  return client;
}

export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster || (client as { isCluster?: boolean }).isCluster === true;
}

/** Every key matching `pattern`, by SCAN (never KEYS), on every master of a Cluster. */
export async function scanKeys(client: RedisClient, pattern: string, count = 500): Promise<string[]> {
  const nodes: Redis[] = isCluster(client) ? client.nodes('master') : [client];
  const found = new Set<string>();
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      for (const key of keys) found.add(key);
      cursor = next;
    } while (cursor !== '0');
  }
  return [...found].sort();
}
