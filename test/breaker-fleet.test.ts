/**
 * A fleet of service processes shares one breaker: half-open lets exactly halfOpenMaxCalls trial
 * calls reach the (real, local HTTP) dependency; thresholds have one owner; an outage of Redis
 * costs a guarded call at most the configured timeout. Against one Redis and a Redis Cluster.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BreakerStore, createRedisClient, SharedBreakers, type RedisClient } from '../src/core/internal.js';
import { deleteKeys, TEST_REDIS_CLUSTER_URL, TEST_REDIS_URL, uniquePrefix, PATIENT_MS } from './helpers/redis.js';
import { runWorkers, sum } from './helpers/workers.js';

let server: Server;
let dependencyUrl: string;
let hits = 0;
let inFlight = 0;
let maxInFlight = 0;
let healthy = false;
const clients: RedisClient[] = [];
const cleanups: { client: RedisClient; prefix: string }[] = [];

beforeAll(async () => {
  server = createServer((_req, res) => {
    hits += 1;
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    // slow enough that concurrent callers ask while the trial is still running
    setTimeout(() => {
      inFlight -= 1;
      res.writeHead(healthy ? 200 : 503).end(healthy ? 'ok' : 'down');
    }, 300);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  dependencyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  for (const { client, prefix } of cleanups) await deleteKeys(client as never, prefix).catch(() => {});
  for (const c of clients) c.disconnect();
  await new Promise((r) => server.close(r));
});

async function open(url: string): Promise<RedisClient> {
  const client = createRedisClient(url, { commandTimeoutMs: 5_000 });
  await client.connect();
  clients.push(client);
  return client;
}

describe.each([
  ['one Redis', TEST_REDIS_URL],
  ['a Redis Cluster', TEST_REDIS_CLUSTER_URL],
])('half-open across processes on %s', (_label, url) => {
  let store: BreakerStore;
  let prefix: string;

  beforeAll(async () => {
    const redis = await open(url);
    prefix = uniquePrefix('breaker-fleet');
    cleanups.push({ client: redis, prefix });
    store = new BreakerStore(redis, { keyPrefix: prefix });
  });

  for (const max of [1, 2]) {
    it(`6 processes x 10 concurrent calls after the reset timeout: ` +
      `${max} trial call(s) reach a still failing dependency`, async () => {
      const name = `dep-${max}`;
      // a failed trial reopens it for a minute: a process that starts late finds it open, not half-open
      await store.setThresholds(
        name,
        { failureThreshold: 1, successThreshold: 2, resetTimeoutMs: 60_000, halfOpenMaxCalls: max },
        { actor: 'test' },
      );
      await store.forceOpen(name, { forMs: 2_000, reason: 'test', actor: 'test' });
      healthy = false;
      hits = 0;
      maxInFlight = 0;
      // the workers start together once the forced open has expired (the breaker is due half-open)
      const results = await runWorkers(
        6,
        () => ({ mode: 'half-open', redisUrl: url, prefix, breaker: name, calls: 10, dependencyUrl }),
        3_000,
      );
      // a process that starts after the first trial failed finds it open again: at most `max` get through
      expect(hits).toBeGreaterThanOrEqual(1);
      expect(hits).toBeLessThanOrEqual(max);
      expect(sum(results, 'failed')).toBe(hits);
      expect(sum(results, 'refused')).toBe(60 - hits);
      expect((await store.get(name))?.state).toBe('open');
    }, 120_000);
  }

  it('a healthy dependency: never more than halfOpenMaxCalls trials ' +
    'at the dependency at once, then closed by the success threshold', async () => {
    const name = 'dep-healthy';
    await store.setThresholds(
      name,
      { failureThreshold: 1, successThreshold: 1_000, resetTimeoutMs: 60_000, halfOpenMaxCalls: 1 },
      { actor: 'test' },
    );
    await store.forceOpen(name, { forMs: 2_000, reason: 'test', actor: 'test' });
    healthy = true;
    hits = 0;
    maxInFlight = 0;
    const results = await runWorkers(
      6,
      () => ({ mode: 'half-open', redisUrl: url, prefix, breaker: name, calls: 10, dependencyUrl }),
      3_000,
    );
    expect(maxInFlight).toBe(1);
    expect(hits).toBeGreaterThanOrEqual(1);
    expect(sum(results, 'made')).toBe(hits);
    expect(sum(results, 'refused')).toBe(60 - hits);
    expect(await store.get(name)).toMatchObject({ state: 'half_open', successes: hits, trialsInFlight: 0 });
    // the success threshold closes it
    await store.setThresholds(
      name,
      { failureThreshold: 1, successThreshold: hits + 1, resetTimeoutMs: 60_000, halfOpenMaxCalls: 1 },
      { actor: 'test' },
    );
    const shared = new SharedBreakers({ redis: await open(url), keyPrefix: prefix, redisTimeoutMs: PATIENT_MS });
    const breaker = await shared.breaker(name);
    await breaker.execute(async () => 'one more trial');
    expect((await store.get(name))?.state).toBe('closed');
    await shared.close();
  }, 120_000);

  it('thresholds have one owner: a second service asking for others is warned, nothing is overwritten', async () => {
    const warnings: unknown[] = [];
    const a = new SharedBreakers({ redis: await open(url), keyPrefix: prefix, redisTimeoutMs: PATIENT_MS });
    const b = new SharedBreakers({
      redis: await open(url),
      keyPrefix: prefix,
      redisTimeoutMs: PATIENT_MS,
      onError: (e) => warnings.push(e),
    });
    const first = await a.breaker('owned', { failureThreshold: 5 });
    const second = await b.breaker('owned', { failureThreshold: 20 });
    expect(String((warnings[0] as Error)?.message)).toMatch(
      /keeps its stored thresholds \(failureThreshold 5\); this process asked for failureThreshold 20/,
    );
    expect(second.thresholds.failureThreshold).toBe(5);
    for (let i = 0; i < 5; i++) await second.execute(() => Promise.reject(new Error('down'))).catch(() => {});
    expect((await store.get('owned'))?.state).toBe('open');
    expect((await store.get('owned'))?.thresholds.failureThreshold).toBe(5);
    const changed = await store.setThresholds(
      'owned',
      { failureThreshold: 20, successThreshold: 3, resetTimeoutMs: 30_000, halfOpenMaxCalls: 1 },
      { actor: 'oncall' },
    );
    expect(changed.thresholds.failureThreshold).toBe(20);
    expect(changed.lastAction).toMatchObject({ action: 'set', actor: 'oncall' });
    expect(first.view.state).toBeDefined();
    await a.close();
    await b.close();
  });
});
