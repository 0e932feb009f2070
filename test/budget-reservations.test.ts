/**
 * Hard means hard: many service processes call at once against a hard budget, a call cap and a
 * token tier; the reservation script lets through only what fits. Run against one Redis and
 * against a 3-master Redis Cluster (.ci/start-redis-cluster.sh).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BudgetController,
  BudgetRefusedError,
  budgetKeys,
  createRedisClient,
  reconcileBudget,
  setLimit,
  type RedisClient,
} from '../src/core/internal.js';
import { applySchema, createTestDatabase, type TestDatabase, truncateBudgetLedger } from './helpers/postgres.js';
import { deleteKeys, TEST_REDIS_CLUSTER_URL, TEST_REDIS_URL, uniquePrefix, PATIENT_MS } from './helpers/redis.js';
import { runWorkers, sum } from './helpers/workers.js';

let db: TestDatabase;
const clients: RedisClient[] = [];
const prefixes: { client: RedisClient; prefix: string }[] = [];

beforeAll(async () => {
  db = await createTestDatabase('mc_budget_reserve');
  await applySchema(db.url);
}, 120_000);

afterAll(async () => {
  for (const { client, prefix } of prefixes) await deleteKeys(client as never, prefix).catch(() => {});
  for (const c of clients) c.disconnect();
  await db?.drop();
});

async function open(url: string): Promise<RedisClient> {
  const client = createRedisClient(url, { commandTimeoutMs: 5_000 });
  await client.connect();
  clients.push(client);
  return client;
}

const ONE_CENT = 4_000; // gpt-4o input tokens: 4,000 x $2.50 / 1M = $0.01

describe.each([
  ['one Redis', TEST_REDIS_URL],
  ['a Redis Cluster', TEST_REDIS_CLUSTER_URL],
])('reservations on %s', (_label, url) => {
  let redis: RedisClient;
  let prefix: string;

  beforeAll(async () => {
    redis = await open(url);
    prefix = uniquePrefix('budget-reserve');
    prefixes.push({ client: redis, prefix });
  });

  it('60 callers in 5 processes, $0.10 hard tenant budget: spend stays within budget + one estimate', async () => {
    const tenant = `clinic-${Math.random().toString(36).slice(2, 8)}`;
    await setLimit(
      { pool: db.pool, redis, keyPrefix: prefix },
      { tenant, period: 'daily', limitUsd: 0.1, hardStop: true, actor: 'test' },
    );
    const results = await runWorkers(5, () => ({
      mode: 'spend',
      redisUrl: url,
      databaseUrl: db.url,
      prefix,
      tenant,
      calls: 12,
      inputTokens: ONE_CENT,
      callMs: 30,
    }));
    expect(sum(results, 'failed'), JSON.stringify(results.map((r) => r.errors))).toBe(0);
    expect(sum(results, 'made') + sum(results, 'refused')).toBe(60);
    expect(sum(results, 'made')).toBeLessThanOrEqual(11);
    expect(sum(results, 'made')).toBeGreaterThan(0);
    const { rows } = await db.pool.query<{ spent: string; n: string }>(
      `select coalesce(sum(cost_usd), 0)::text as spent, count(*)::text as n from llm_usage_logs
        where tenant_id = $1 and success`,
      [tenant],
    );
    expect(Number(rows[0]!.spent)).toBeLessThanOrEqual(0.11);
    expect(Number(rows[0]!.n)).toBe(sum(results, 'made'));
    const day = new Date().toISOString().slice(0, 10);
    const counter = Number(await redis.get(`${budgetKeys(prefix).base}spend:day:${day}:tenant:${tenant}`));
    expect(counter).toBeLessThanOrEqual(110_000);
    // nothing stays reserved: the counter is exactly the ledger
    expect(counter).toBe(Math.round(Number(rows[0]!.spent) * 1e6));
    expect(results.flatMap((r) => Object.keys(r.reasons))).toEqual(expect.arrayContaining(['budget_exceeded']));
  }, 120_000);

  it('the Places call cap holds under 60 concurrent callers in 5 processes', async () => {
    const results = await runWorkers(5, () => ({
      mode: 'places',
      redisUrl: url,
      prefix,
      calls: 12,
      caps: { daily: 25, monthly: 4_500 },
    }));
    expect(sum(results, 'failed')).toBe(0);
    expect(sum(results, 'made')).toBe(25);
    expect(sum(results, 'refused')).toBe(35);
  }, 120_000);

  it('a free-tier user (10,000 tokens a month) gets at most 10,000 tokens + one estimate, 60 callers', async () => {
    const user = `user-${Math.random().toString(36).slice(2, 8)}`;
    const results = await runWorkers(5, () => ({
      mode: 'tokens',
      redisUrl: url,
      databaseUrl: db.url,
      prefix,
      user,
      tier: 'free',
      calls: 12,
      inputTokens: 1_000,
      callMs: 30,
    }));
    expect(sum(results, 'failed')).toBe(0);
    const { rows } = await db.pool.query<{ tokens: string }>(
      `select coalesce(sum(input_tokens + output_tokens), 0)::text as tokens from llm_usage_logs where user_id = $1`,
      [user],
    );
    expect(Number(rows[0]!.tokens)).toBeLessThanOrEqual(11_000);
    expect(sum(results, 'made')).toBeGreaterThan(0);
    expect(results.flatMap((r) => Object.keys(r.reasons))).toEqual(expect.arrayContaining(['token_quota_exceeded']));
  }, 120_000);

  it('settles to the real cost, releases a failed call, and reaps a reservation nobody settled', async () => {
    const tenant = 'clinic-settle';
    const errors: unknown[] = [];
    const budget = new BudgetController({
      redis,
      pool: db.pool,
      keyPrefix: prefix,
      redisTimeoutMs: PATIENT_MS,
      reservationTtlMs: 300,
      onError: (e) => errors.push(e),
    });
    const key = `${budgetKeys(prefix).base}spend:day:${new Date().toISOString().slice(0, 10)}:tenant:${tenant}`;
    const held = await budget.reserve({
      provider: 'openai',
      model: 'gpt-4o',
      operation: 'x',
      tenant,
      estimatedInputTokens: 8_000,
    }); // $0.02
    expect(await redis.get(key)).toBe('20000');
    await budget.settle(held, { inputTokens: 2_000, outputTokens: 0 }); // $0.005
    expect(await redis.get(key)).toBe('5000');

    await expect(
      budget.guard(
        { provider: 'openai', model: 'gpt-4o', operation: 'x', tenant, estimatedInputTokens: 8_000 },
        async () => {
          throw new Error('provider 500');
        },
      ),
    ).rejects.toThrow('provider 500');
    expect(await redis.get(key)).toBe('5000');

    // never settled
    await budget.reserve({ provider: 'openai', model: 'gpt-4o', operation: 'x', tenant, estimatedInputTokens: 8_000 });
    expect(await redis.get(key)).toBe('25000');
    await new Promise((r) => setTimeout(r, 400));
    const next = await budget.reserve({
      provider: 'openai',
      model: 'gpt-4o',
      operation: 'x',
      tenant,
      estimatedInputTokens: 4_000,
    });
    expect(await redis.get(key)).toBe('15000'); // the expired $0.02 was given back, the new $0.01 is held
    await budget.release(next);
    expect(await redis.get(key)).toBe('5000');
    const { rows } = await db.pool.query(
      `select success, cost_usd::text from llm_usage_logs where tenant_id = $1 order by id`,
      [tenant],
    );
    expect(rows).toEqual([
      { success: true, cost_usd: '0.005000' },
      { success: false, cost_usd: '0.000000' },
    ]);
    expect(errors).toEqual([]);
  });

  it('a corrupt counter refuses hard-budget calls with a clear reason; reconcile repairs it', async () => {
    const tenant = 'clinic-corrupt';
    // the ledger is shared by both runs of this file: start this one from an empty ledger and prefix
    await truncateBudgetLedger(db.pool);
    prefix = uniquePrefix('budget-corrupt');
    prefixes.push({ client: redis, prefix });
    await setLimit(
      { pool: db.pool, redis, keyPrefix: prefix },
      { tenant, period: 'daily', limitUsd: 5, hardStop: true, actor: 'test' },
    );
    const budget = new BudgetController({ redis, pool: db.pool, keyPrefix: prefix, redisTimeoutMs: PATIENT_MS });
    await budget.record({
      provider: 'openai',
      model: 'gpt-4o',
      operation: 'x',
      tenant,
      inputTokens: 4_000,
      outputTokens: 0,
    });
    const key = `${budgetKeys(prefix).base}spend:day:${new Date().toISOString().slice(0, 10)}:tenant:${tenant}`;
    await redis.set(key, '12.5x');
    const refusal = await budget
      .guard({ provider: 'openai', model: 'gpt-4o', operation: 'x', tenant, estimatedInputTokens: 10 }, async () => {
        throw new Error('must not be called');
      })
      .catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(BudgetRefusedError);
    expect((refusal as BudgetRefusedError).reason).toBe('counter_unreadable');
    expect((refusal as Error).message).toMatch(
      /tenant clinic-corrupt daily budget cannot be checked: counter holds 12\.5x/,
    );

    const report = await reconcileBudget({ pool: db.pool, redis, keyPrefix: prefix }, { repair: true });
    expect(report.changes).toContainEqual({ key, from: '12.5x', to: '10000', by: 'set' });
    expect(report.rows.find((r) => r.key === key)).toMatchObject({ status: 'repaired', redisUsd: 0.01 });
    expect(await redis.get(key)).toBe('10000');
  });
});

describe('ledger rows and prices', () => {
  it('writes the ledger row even when the counter update fails, and says the call was not counted', async () => {
    const redis = await open(TEST_REDIS_URL);
    const prefix = uniquePrefix('budget-ledger');
    prefixes.push({ client: redis, prefix });
    const errors: unknown[] = [];
    const budget = new BudgetController({
      redis,
      pool: db.pool,
      keyPrefix: prefix,
      redisTimeoutMs: PATIENT_MS,
      onError: (e) => errors.push(e),
    });
    const held = await budget.reserve({
      provider: 'openai',
      model: 'gpt-4o',
      operation: 'x',
      tenant: 'clinic-lost',
      estimatedInputTokens: 100,
    });
    redis.disconnect(); // Redis gone between the call and its settlement
    const result = await budget.settle(held, { inputTokens: 4_000, outputTokens: 0, correlationId: 'corr-lost' });
    expect(result.counted).toBe(false);
    expect(errors.length).toBeGreaterThan(0);
    const { rows } = await db.pool.query(
      `select cost_usd::text, budget_seq::text from llm_usage_logs where correlation_id = 'corr-lost'`,
    );
    expect(rows).toEqual([{ cost_usd: '0.010000', budget_seq: held.id }]);
  });

  it('refuses an unknown model, or prices it from the configured fallback with a warning (never silent)', async () => {
    const redis = await open(TEST_REDIS_URL);
    const prefix = uniquePrefix('budget-model');
    prefixes.push({ client: redis, prefix });
    const refuse = new BudgetController({ redis, pool: db.pool, keyPrefix: prefix, redisTimeoutMs: PATIENT_MS });
    await expect(refuse.reserve({ provider: 'openai', model: 'gpt-9-turbo', operation: 'x' })).rejects.toMatchObject({
      reason: 'unknown_model',
    });
    const warnings: unknown[] = [];
    const fallback = new BudgetController({
      redis,
      pool: db.pool,
      keyPrefix: prefix,
      redisTimeoutMs: PATIENT_MS,
      unknownModelFallback: 'claude-opus-4',
      onError: (e) => warnings.push(e),
    });
    const result = await fallback.record({
      provider: 'openai',
      model: 'gpt-9-turbo',
      operation: 'x',
      inputTokens: 1_000_000,
      outputTokens: 0,
    });
    expect(result.cost).toMatchObject({ usd: 15, listed: false });
    expect(String(warnings[0])).toMatch(/gpt-9-turbo.*priced as claude-opus-4/);
  });
});
