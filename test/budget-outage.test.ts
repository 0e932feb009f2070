/**
 * Redis outages have a bounded, documented cost: against a closed port and against a real
 * redis-server killed mid-run, guarded calls return promptly (no retry loop), breakers keep
 * working from their local copy, hard budgets fail closed, soft ones open, the ledger keeps every
 * call, and `budget status` says freezes are unknown.
 */
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BudgetController,
  BudgetRefusedError,
  budgetKeys,
  createRedisClient,
  setLimit,
  SharedBreakers,
  type RedisClient,
} from '../src/core/internal.js';
import { runInProcess } from './helpers/in-process.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { uniquePrefix, PATIENT_MS } from './helpers/redis.js';

let db: TestDatabase;
const prefix = uniquePrefix('budget-outage');
const PORT = 6390 + Math.floor(Math.random() * 50);
let server: ResultPromise | undefined;
const clients: RedisClient[] = [];

async function startRedis(): Promise<void> {
  server = execa('redis-server', ['--port', String(PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    reject: false,
  });
  const probe = createRedisClient(`redis://127.0.0.1:${PORT}`);
  for (let i = 0; i < 100; i++) {
    try {
      await probe.connect();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  probe.disconnect();
}

/** The breakers and the budget controller a service builds on one Redis client, errors collected. */
function guards(redis: RedisClient) {
  const errors: unknown[] = [];
  const onError = (e: unknown) => errors.push(e);
  const breakers = new SharedBreakers({ redis, keyPrefix: prefix, redisTimeoutMs: PATIENT_MS, onError });
  const budget = new BudgetController({ redis, pool: db.pool, keyPrefix: prefix, redisTimeoutMs: PATIENT_MS, onError });
  return { errors, breakers, budget };
}

async function settle<T>(work: () => Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await work() };
  } catch (error) {
    return { error };
  }
}

beforeAll(async () => {
  db = await createTestDatabase('mc_budget_outage');
  await applySchema(db.url);
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.disconnect();
  server?.kill('SIGKILL');
  await db?.drop();
});

describe('Redis unreachable (closed port)', () => {
  it('a guarded call returns at once: breaker from its local copy, soft budget open, hard budget closed', async () => {
    const redis = createRedisClient('redis://127.0.0.1:1', { reconnect: true });
    // ioredis' defaults made every guarded call hang 10.6 s: no per-command retry, no offline queue,
    // and a command timeout are what bound the cost (asserted as configuration, never as wall time)
    expect(redis.options).toMatchObject({ maxRetriesPerRequest: 0, enableOfflineQueue: false });
    expect((redis.options as { commandTimeout?: number }).commandTimeout).toBeLessThanOrEqual(500);
    clients.push(redis);
    await redis.connect().catch(() => {});
    const { errors, breakers, budget } = guards(redis);
    const openai = await breakers.breaker('openai');
    const call = () =>
      openai.execute(() =>
        budget.guard(
          { provider: 'openai', model: 'gpt-4o', operation: 'x', tenant: 'soft-clinic', correlationId: 'corr-down' },
          async () => ({ value: 'scored', usage: { inputTokens: 100, outputTokens: 10 } }),
        ),
      );
    const soft = await settle(call);
    expect(soft.value).toBe('scored');
    const { rows } = await db.pool.query(
      `select tenant_id, budget_seq from llm_usage_logs where correlation_id = 'corr-down'`,
    );
    expect(rows).toEqual([{ tenant_id: 'soft-clinic', budget_seq: null }]);

    await db.pool.query(
      `insert into budget_limits (scope, tenant_id, period, limit_usd, hard_stop, updated_by)
       values ('tenant', 'hard-clinic', 'daily', 5, true, 'test')`,
    );
    let called = false;
    const hard = await settle(() =>
      budget.guard({ provider: 'openai', model: 'gpt-4o', operation: 'x', tenant: 'hard-clinic' }, async () => {
        called = true;
        return { value: 1, usage: { inputTokens: 1, outputTokens: 1 } };
      }),
    );
    expect(hard.error).toBeInstanceOf(BudgetRefusedError);
    expect((hard.error as BudgetRefusedError).reason).toBe('budget_unavailable');
    expect((hard.error as Error).message).toMatch(/hard budgets apply \(tenant hard-clinic daily\)/);
    expect(called).toBe(false);
    expect(errors.length).toBeGreaterThan(0);
    await breakers.close();
  });

  it('budget status says freezes are unknown (null) and exits 4', async () => {
    const result = await runInProcess(['budget', 'status', '-o', 'json'], {
      env: {
        MEDICALCOR_DATABASE_URL: db.url,
        MEDICALCOR_REDIS_URL: 'redis://127.0.0.1:1',
        MEDICALCOR_REDIS_PREFIX: prefix,
      },
    });
    expect(result.exitCode, result.stderr).toBe(4);
    const status = JSON.parse(result.stdout);
    expect(status.frozen).toBeNull();
    expect(status.freezes).toBeNull();
    expect(status.unavailable).toEqual(['redis']);
  });
});

describe('a redis-server killed while services use it', () => {
  it('calls keep returning promptly while it is down, and use Redis again once it is back', async () => {
    await startRedis();
    const redis = createRedisClient(`redis://127.0.0.1:${PORT}`, { reconnect: true, maxReconnectDelayMs: 200 });
    clients.push(redis);
    await redis.connect();
    const { breakers, budget } = guards(redis);
    await setLimit(
      { pool: db.pool, redis, keyPrefix: prefix },
      { tenant: 'kill-clinic', period: 'monthly', limitUsd: 50, hardStop: true, actor: 'test' },
    );
    const dep = await breakers.breaker('hubspot', { failureThreshold: 3 });
    const guarded = () =>
      budget.guard({ provider: 'openai', model: 'gpt-4o', operation: 'x', tenant: 'kill-clinic' }, async () => ({
        value: 1,
        usage: { inputTokens: 10, outputTokens: 1 },
      }));
    expect(await guarded()).toBe(1);
    expect(await dep.execute(async () => 'sent')).toBe('sent');

    server!.kill('SIGKILL');
    await server;
    const down = await settle(guarded);
    expect((down.error as BudgetRefusedError).reason).toBe('budget_unavailable');
    const breakerCall = await settle(() => dep.execute(async () => 'sent'));
    expect(breakerCall.value).toBe('sent');

    await startRedis();
    // the client reconnects by itself (bounded backoff); the new Redis is empty: the controller copies
    // the budgets again
    let back = false;
    for (let i = 0; i < 100 && !back; i++) {
      back = redis.status === 'ready';
      if (!back) await new Promise((r) => setTimeout(r, 100));
    }
    expect(back).toBe(true);
    expect(await guarded()).toBe(1);
    expect(JSON.parse((await redis.hget(budgetKeys(prefix).limits, 'tenant:kill-clinic:monthly'))!)).toEqual({
      limitUsd: 50,
      hardStop: true,
    });
    await breakers.close();
  }, 60_000);
});
