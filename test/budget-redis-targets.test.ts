/**
 * One client factory for every Redis shape: the URL rules (unit), and a real Sentinel set on
 * loopback (redis-server plus redis-server --sentinel) through which a budget reservation and a
 * breaker transition run as on a single node.
 */
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BreakerStore,
  BudgetController,
  createRedisClient,
  mirrorLimits,
  parseRedisTarget,
  type RedisClient,
} from '../src/core/internal.js';
import { deleteKeys, uniquePrefix, PATIENT_MS } from './helpers/redis.js';

describe('Redis URLs', () => {
  it('reads single nodes, Clusters (scheme or list) and Sentinel sets, with credentials', () => {
    expect(parseRedisTarget('redis://:pw@10.0.0.1:6380/2')).toEqual({
      kind: 'single',
      url: 'redis://:pw@10.0.0.1:6380/2',
    });
    expect(parseRedisTarget('redis+cluster://u:p%40ss@h1:7001,h2:7002,[::1]:7003')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'h1', port: 7001 },
        { host: 'h2', port: 7002 },
        { host: '::1', port: 7003 },
      ],
      username: 'u',
      password: 'p@ss',
      tls: false,
    });
    expect(parseRedisTarget('redis://h1:7001, redis://h2:7002')).toMatchObject({
      kind: 'cluster',
      nodes: [
        { host: 'h1', port: 7001 },
        { host: 'h2', port: 7002 },
      ],
    });
    expect(parseRedisTarget('redis+sentinel://:secret@s1:26379,s2/mymaster/3')).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 6379 },
      ],
      masterName: 'mymaster',
      password: 'secret',
      username: undefined,
      db: 3,
    });
  });

  it('refuses what is not a Redis URL, and a Sentinel URL without the master name', () => {
    expect(() => parseRedisTarget('http://h:1')).toThrow(/is not a Redis URL/);
    expect(() => parseRedisTarget('redis+sentinel://s1:26379')).toThrow(/must name the master/);
    expect(() => parseRedisTarget('redis+cluster://h1:x')).toThrow(/not host:port/);
  });
});

describe('through a real Sentinel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mc-sentinel-'));
  const masterPort = 6500 + Math.floor(Math.random() * 200);
  const sentinelPort = masterPort + 300;
  const servers: ResultPromise[] = [];
  const clients: RedisClient[] = [];

  afterAll(async () => {
    for (const c of clients) c.disconnect();
    for (const s of servers) s.kill('SIGKILL');
    await Promise.allSettled(servers);
    rmSync(dir, { recursive: true, force: true });
  });

  async function ready(port: number): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const probe = createRedisClient(`redis://127.0.0.1:${port}`);
      try {
        await probe.connect();
        await probe.ping();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      } finally {
        probe.disconnect();
      }
    }
    throw new Error(`nothing answers on ${port}`);
  }

  it('reserves a budget and moves a breaker through the master Sentinel names', async () => {
    servers.push(
      execa('redis-server', ['--port', String(masterPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
        reject: false,
      }),
    );
    await ready(masterPort);
    const conf = join(dir, 'sentinel.conf');
    writeFileSync(
      conf,
      [`port ${sentinelPort}`, 'bind 127.0.0.1', `sentinel monitor mc-master 127.0.0.1 ${masterPort} 1`, ''].join('\n'),
    );
    servers.push(execa('redis-server', [conf, '--sentinel'], { reject: false }));
    await ready(sentinelPort);

    const redis = createRedisClient(`redis+sentinel://127.0.0.1:${sentinelPort}/mc-master`, {
      commandTimeoutMs: 5_000,
    });
    clients.push(redis);
    await redis.connect();
    const prefix = uniquePrefix('budget-sentinel');
    await mirrorLimits(
      { redis, keyPrefix: prefix },
      [{ scope: 'tenant', tenant: 'clinic-s', period: 'daily', limitUsd: 0.02, hardStop: true }],
      true,
    );
    // reservations touch only Redis: a pool that is never used (it would connect on its first query)
    const budget = new BudgetController({
      redis,
      pool: new pg.Pool({ connectionString: 'postgres://127.0.0.1:1/unused' }),
      keyPrefix: prefix,
      redisTimeoutMs: PATIENT_MS,
    });
    const held = await budget.reserve({
      provider: 'openai',
      model: 'gpt-4o',
      operation: 'x',
      tenant: 'clinic-s',
      estimatedInputTokens: 4_000,
    });
    expect(held.id).toMatch(/^\d+$/);
    await budget.reserve({
      provider: 'openai',
      model: 'gpt-4o',
      operation: 'x',
      tenant: 'clinic-s',
      estimatedInputTokens: 4_000,
    });
    await expect(
      budget.reserve({
        provider: 'openai',
        model: 'gpt-4o',
        operation: 'x',
        tenant: 'clinic-s',
        estimatedInputTokens: 4_000,
      }),
    ).rejects.toMatchObject({ reason: 'budget_exceeded' });

    const store = new BreakerStore(redis, { keyPrefix: prefix });
    expect((await store.forceOpen('places', { forMs: 60_000, reason: 'sentinel test', actor: 'test' })).state).toBe(
      'open',
    );
    // the same key on the master itself: Sentinel led the client to it
    const direct = createRedisClient(`redis://127.0.0.1:${masterPort}`);
    clients.push(direct);
    await direct.connect();
    expect(await direct.hget(store.keys.state('places'), 'state')).toBe('open');
    await deleteKeys(direct as never, prefix);
  }, 60_000);
});
