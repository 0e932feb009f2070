/**
 * `budget reconcile --repair` on a live system: 4 service processes record spend (through
 * reservations and direct records) while repairs run again and again. Only the differences that
 * were really there are repaired, each exactly once; afterwards every counter equals the ledger.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BudgetController,
  budgetKeys,
  createRedisClient,
  reconcileBudget,
  type ReconcileChange,
  type RedisClient,
} from '../src/core/internal.js';
import { runInProcess } from './helpers/in-process.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { deleteKeys, TEST_REDIS_CLUSTER_URL, TEST_REDIS_URL, uniquePrefix, PATIENT_MS } from './helpers/redis.js';
import { runWorkers, sum } from './helpers/workers.js';

const clients: RedisClient[] = [];
const cleanups: { client: RedisClient; prefix: string }[] = [];
const dbs: TestDatabase[] = [];

afterAll(async () => {
  for (const { client, prefix } of cleanups) await deleteKeys(client as never, prefix).catch(() => {});
  for (const c of clients) c.disconnect();
  for (const db of dbs) await db.drop();
});

describe.each([
  ['one Redis', TEST_REDIS_URL],
  ['a Redis Cluster', TEST_REDIS_CLUSTER_URL],
])('reconcile on %s', (_label, url) => {
  let db: TestDatabase;
  let redis: RedisClient;
  let prefix: string;

  beforeAll(async () => {
    db = await createTestDatabase('mc_budget_reconcile');
    dbs.push(db);
    await applySchema(db.url);
    redis = createRedisClient(url, { commandTimeoutMs: 5_000 });
    await redis.connect();
    clients.push(redis);
    prefix = uniquePrefix('budget-reconcile');
    cleanups.push({ client: redis, prefix });
  }, 120_000);

  it('repairs only the real differences while 4 processes record spend, ' +
    'and leaves every counter equal to the ledger', async () => {
    const keys = budgetKeys(prefix);
    const day = new Date().toISOString().slice(0, 10);
    const budget = new BudgetController({ redis, pool: db.pool, keyPrefix: prefix, redisTimeoutMs: PATIENT_MS });
    await budget.record({
      provider: 'openai',
      model: 'gpt-4o',
      operation: 'x',
      tenant: 'clinic-a',
      inputTokens: 4_000,
      outputTokens: 0,
    });
    // real drift: clinic-a's daily counter short by $0.005, and a counter of a tenant the ledger never saw
    await redis.incrby(
      keys.spend({ period: 'daily', id: day, start: new Date(), end: new Date() }, 'clinic-a'),
      -5_000,
    );
    const ghost = `${keys.base}spend:day:${day}:tenant:ghost`;
    await redis.set(ghost, '1000');

    const stopAt = Date.now() + 9_000;
    let finished = false;
    const recording = runWorkers(
      4,
      () => ({
        mode: 'record-loop',
        redisUrl: url,
        databaseUrl: db.url,
        prefix,
        tenants: ['clinic-a', 'clinic-b', 'clinic-c'],
        stopAt,
        minCalls: 15,
      }),
      1_500,
    ).finally(() => {
      finished = true;
    });
    const changes: ReconcileChange[] = [];
    let repairs = 0;
    // repairs run for as long as the recorders do
    while (!finished) {
      const report = await reconcileBudget({ pool: db.pool, redis, keyPrefix: prefix }, { repair: true });
      changes.push(...report.changes);
      repairs += 1;
      await new Promise((r) => setTimeout(r, 150));
    }
    const results = await recording;
    expect(sum(results, 'failed'), JSON.stringify(results.map((r) => r.errors))).toBe(0);
    expect(sum(results, 'made')).toBeGreaterThanOrEqual(60);
    expect(repairs).toBeGreaterThan(3);

    const byKey = new Map<string, number>();
    for (const c of changes) byKey.set(c.key, (byKey.get(c.key) ?? 0) + (c.by === 'set' ? Number.NaN : c.by));
    expect(Object.fromEntries(byKey)).toEqual({
      [keys.spend({ period: 'daily', id: day, start: new Date(), end: new Date() }, 'clinic-a')]: 5_000,
      [ghost]: -1_000,
    });

    const after = await reconcileBudget({ pool: db.pool, redis, keyPrefix: prefix });
    expect(after.rows.filter((r) => r.status !== 'ok')).toEqual([]);
    expect(after.drift).toBe(false);
    const { rows } = await db.pool.query<{ micro: string }>(
      `select (sum(cost_usd) * 1000000)::bigint::text as micro from llm_usage_logs`,
    );
    expect(await redis.get(`${keys.base}spend:day:${day}`)).toBe(rows[0]!.micro);
  }, 120_000);

  it('the command exits 3 while a counter is wrong, reports what it changed, and 0 once repaired', async () => {
    const keys = budgetKeys(prefix);
    const day = new Date().toISOString().slice(0, 10);
    await redis.set(`${keys.base}spend:day:${day}:tenant:clinic-b`, 'not-a-number');
    const env = { MEDICALCOR_DATABASE_URL: db.url, MEDICALCOR_REDIS_URL: url, MEDICALCOR_REDIS_PREFIX: prefix };
    const found = await runInProcess(['budget', 'reconcile', '-o', 'json'], { env });
    expect(found.exitCode, found.stderr).toBe(3);
    expect(JSON.parse(found.stdout).rows).toContainEqual(
      expect.objectContaining({ tenant: 'clinic-b', period: 'daily', status: 'corrupt', redisRaw: 'not-a-number' }),
    );
    const repaired = await runInProcess(['budget', 'reconcile', '--repair', '-o', 'json'], { env });
    expect(repaired.exitCode, repaired.stderr).toBe(0);
    expect(JSON.parse(repaired.stdout).changes).toEqual([expect.objectContaining({ from: 'not-a-number', by: 'set' })]);
    const clean = await runInProcess(['budget', 'reconcile'], { env });
    expect(clean.exitCode, clean.stdout).toBe(0);
  }, 60_000);
});
