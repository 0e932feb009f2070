import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BreakerStore } from '../src/core/breakers/index.js';
import {
  BudgetController,
  BudgetRefusedError,
  costOf,
  foldBudgetLedger,
  freezeBudget,
  getBudgetStatus,
  priceOf,
  PRICE_TABLE_DATE,
  reconcileBudget,
  setLimit,
  unfreezeBudget,
  type ThresholdEvent,
  budgetKeys,
} from '../src/core/budget/index.js';
import { applySchema, createTestDatabase, type TestDatabase, truncateBudgetLedger } from './helpers/postgres.js';
import { deleteKeys, TEST_REDIS_CLUSTER_URL, TEST_REDIS_URL, uniquePrefix, PATIENT_MS } from './helpers/redis.js';

// the Redis-touching tests run against one Redis and against the 3-master Cluster (.ci/start-redis-cluster.sh)
const TARGETS = [
  ['one Redis', TEST_REDIS_URL],
  ['a Redis Cluster', TEST_REDIS_CLUSTER_URL],
] as const;
let currentUrl: string = TEST_REDIS_URL;

let db: TestDatabase;
let prefix: string;
const connections: (Redis | Cluster)[] = [];

function connect(): Redis | Cluster {
  const redis = currentUrl.startsWith('redis+cluster://')
    ? new Cluster(
        currentUrl
          .slice('redis+cluster://'.length)
          .split(',')
          .map((hp) => ({ host: hp.split(':')[0]!, port: Number(hp.split(':')[1]) })),
      )
    : new Redis(currentUrl);
  connections.push(redis);
  return redis;
}

// A fixed afternoon, so the day and the month are each part-way through; in the future, because Redis
// expires the counters at real times derived from it.
const NOW = new Date('2030-03-10T12:00:00Z');

function controller(extra: Partial<ConstructorParameters<typeof BudgetController>[0]> = {}): BudgetController {
  return new BudgetController({
    redis: connect(),
    pool: db.pool,
    keyPrefix: prefix,
    redisTimeoutMs: PATIENT_MS,
    now: () => NOW,
    ...extra,
  });
}

const prefixes: string[] = [];

/** A budget set as `budget set` does (table and Redis copy), by the test actor. */
async function budget(limit: Omit<Parameters<typeof setLimit>[1], 'actor'>): Promise<void> {
  await setLimit({ pool: db.pool, redis: connect(), keyPrefix: prefix }, { ...limit, actor: 'test' });
}

/** Ledger rows written directly (not through a controller): [provider, model, operation, tenant, cost, at]. */
async function ledger(rows: [string, string, string, string | null, number, string | Date][]): Promise<void> {
  for (const [provider, model, operation, tenant, cost, at] of rows) {
    await db.pool.query(
      `insert into llm_usage_logs (provider, model, operation, tenant_id, input_tokens, output_tokens, cost_usd,
                                   occurred_at)
       values ($1, $2, $3, $4, 1000, 10, $5, $6)`,
      [provider, model, operation, tenant, cost, at],
    );
  }
}

async function cleanRedis(): Promise<void> {
  const redis = connect();
  for (const p of prefixes.splice(0)) await deleteKeys(redis, p);
}

beforeAll(async () => {
  db = await createTestDatabase('mc_budget_core');
  await applySchema(db.url);
});

beforeEach(async () => {
  prefix = uniquePrefix('budget-core');
  prefixes.push(prefix);
  await truncateBudgetLedger(db.pool, 'budget_limits');
});

afterAll(async () => {
  await cleanRedis();
  for (const c of connections) c.disconnect();
  await db?.drop();
});

describe('pricing', () => {
  it('prices dated snapshots by their family and counts cached tokens at the cached price', () => {
    expect(PRICE_TABLE_DATE).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(priceOf('gpt-4o-mini-2024-07-18')?.model).toBe('gpt-4o-mini');
    expect(priceOf('gpt-4o-2024-08-06')?.model).toBe('gpt-4o');
    expect(priceOf('claude-3-5-sonnet-20241022')?.provider).toBe('anthropic');
    expect(priceOf('gemini-1.5-flash')?.provider).toBe('google');
    // gpt-4o: 1M input of which 400k cached, 100k output = 0.6M*2.5 + 0.4M*1.25 + 0.1M*10 = 1.5 + 0.5 + 1.0
    expect(
      costOf('openai', 'gpt-4o', { inputTokens: 1_000_000, cachedTokens: 400_000, outputTokens: 100_000 }).usd,
    ).toBe(3);
  });

  it('refuses to price an unknown model unless a listed fallback is named (then marked unlisted)', () => {
    expect(() => costOf('anthropic', 'claude-next-ultra', { inputTokens: 1_000_000, outputTokens: 0 })).toThrow(
      /not in the price table/,
    );
    const cost = costOf('anthropic', 'claude-next-ultra', { inputTokens: 1_000_000, outputTokens: 0 }, 'claude-opus-4');
    expect(cost.listed).toBe(false);
    expect(cost.usd).toBe(15);
  });
});

describe.each(TARGETS)('on %s', (_label, url) => {
  beforeAll(() => {
    currentUrl = url;
  });
  afterAll(cleanRedis);

  describe('controller', () => {
    it('records every call in the ledger and in the Redis counters', async () => {
      const c = controller();
      await c.record({
        provider: 'openai',
        model: 'gpt-4o',
        operation: 'lead_scoring',
        tenant: 'clinic-a',
        user: 'u1',
        inputTokens: 1000,
        outputTokens: 500,
        correlationId: 'corr-1',
      });
      const { rows } = await db.pool.query(
        `select provider, model, operation, tenant_id, user_id, input_tokens, output_tokens, cost_usd::text,
                correlation_id, occurred_at from llm_usage_logs`,
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        provider: 'openai',
        model: 'gpt-4o',
        tenant_id: 'clinic-a',
        user_id: 'u1',
        input_tokens: 1000,
        output_tokens: 500,
        cost_usd: '0.007500',
        correlation_id: 'corr-1',
      });
      expect((rows[0].occurred_at as Date).toISOString()).toBe(NOW.toISOString());
      const redis = connect();
      expect(await redis.get(`${budgetKeys(prefix).base}spend:day:2030-03-10`)).toBe('7500');
      expect(await redis.get(`${budgetKeys(prefix).base}spend:month:2030-03:tenant:clinic-a`)).toBe('7500');
      expect(await redis.get(`${budgetKeys(prefix).base}tokens:month:2030-03:user:u1`)).toBe('1500');
      const ttl = await redis.pttl(`${budgetKeys(prefix).base}spend:day:2030-03-10`);
      expect(ttl).toBeGreaterThan(0);
    });

    it('refuses a call before it is made once a hard budget is used up; forces the openai breaker open', async () => {
      const redis = connect();
      await budget({ period: 'daily', limitUsd: 0.01, hardStop: true });
      const c = controller();
      let calls = 0;
      const call = () =>
        c.guard({ provider: 'openai', model: 'gpt-4o', operation: 'reply' }, async () => {
          calls += 1;
          return { value: 'ok', usage: { inputTokens: 2000, outputTokens: 500 } }; // $0.01 each
        });
      await call();
      expect(calls).toBe(1);
      await expect(call()).rejects.toMatchObject({ reason: 'budget_exceeded' });
      expect(calls).toBe(1);
      const breaker = await new BreakerStore(redis, { keyPrefix: prefix }).get('openai');
      expect(breaker?.state).toBe('open');
      expect(breaker?.forced?.reason).toMatch(/^budget: global daily budget of \$0\.01 reached/);
      expect(breaker?.forced?.actor).toBe('budget-controller');
    });

    it('refuses a call whose estimate would cross the budget, but not a soft budget', async () => {
      await budget({ tenant: 'clinic-b', period: 'monthly', limitUsd: 1, hardStop: true });
      await budget({ period: 'monthly', limitUsd: 0.5, hardStop: false });
      const c = controller();
      await c.authorize({
        provider: 'openai',
        model: 'gpt-4o',
        operation: 'x',
        tenant: 'clinic-b',
        estimatedInputTokens: 100_000,
      }); // $0.25
      await expect(
        c.authorize({
          provider: 'openai',
          model: 'gpt-4o',
          operation: 'x',
          tenant: 'clinic-b',
          estimatedInputTokens: 500_000,
        }),
      ).rejects.toMatchObject({ reason: 'budget_exceeded' });
      // Another tenant is not limited by clinic-b's budget; the global budget is soft.
      await c.authorize({
        provider: 'openai',
        model: 'gpt-4o',
        operation: 'x',
        tenant: 'clinic-c',
        estimatedInputTokens: 500_000,
      });
    });

    it('reports each threshold once, however many concurrent recorders cross it', async () => {
      await budget({ period: 'daily', limitUsd: 1, hardStop: false });
      const events: ThresholdEvent[] = [];
      const controllers = [
        controller({ onThreshold: (e) => events.push(e) }),
        controller({ onThreshold: (e) => events.push(e) }),
      ];
      // 40 calls of $0.025 = $1.00: crosses 50, 75, 90 and 100 %.
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          controllers[i % 2]!.record({
            provider: 'openai',
            model: 'gpt-4o',
            operation: 'x',
            inputTokens: 10_000,
            outputTokens: 0,
          }),
        ),
      );
      const daily = events
        .filter((e) => e.period === 'daily')
        .map((e) => e.threshold)
        .sort((a, b) => a - b);
      expect(daily).toEqual([50, 75, 90, 100]);
    });

    it('enforces the user token tiers', async () => {
      const c = controller();
      await c.record({
        provider: 'openai',
        model: 'gpt-4o-mini',
        operation: 'chat',
        user: 'patient-portal-7',
        inputTokens: 9_000,
        outputTokens: 900,
      });
      await c.authorize({
        provider: 'openai',
        model: 'gpt-4o-mini',
        operation: 'chat',
        user: 'patient-portal-7',
        tier: 'free',
        estimatedInputTokens: 50,
        estimatedOutputTokens: 50,
      });
      await expect(
        c.authorize({
          provider: 'openai',
          model: 'gpt-4o-mini',
          operation: 'chat',
          user: 'patient-portal-7',
          tier: 'free',
          estimatedInputTokens: 200,
        }),
      ).rejects.toMatchObject({ reason: 'token_quota_exceeded' });
      await c.authorize({
        provider: 'openai',
        model: 'gpt-4o-mini',
        operation: 'chat',
        user: 'patient-portal-7',
        tier: 'basic',
        estimatedInputTokens: 200,
      });
      await c.authorize({
        provider: 'openai',
        model: 'gpt-4o-mini',
        operation: 'chat',
        user: 'patient-portal-7',
        tier: 'unlimited',
        estimatedInputTokens: 10_000_000,
      });
    });

    it('a freeze is obeyed by the very next call, globally or for one tenant', async () => {
      const c = controller();
      const redis = connect();
      const request = { provider: 'openai', model: 'gpt-4o', operation: 'x', tenant: 'clinic-d' };
      await c.authorize(request);
      await freezeBudget({ redis, keyPrefix: prefix }, { tenant: 'clinic-d', actor: 'alice', reason: 'runaway loop' });
      await expect(c.authorize(request)).rejects.toThrow(/frozen for tenant clinic-d by alice: runaway loop/);
      await c.authorize({ ...request, tenant: 'clinic-e' });
      await freezeBudget({ redis, keyPrefix: prefix }, { actor: 'alice' });
      await expect(c.authorize({ ...request, tenant: 'clinic-e' })).rejects.toBeInstanceOf(BudgetRefusedError);
      await unfreezeBudget({ redis, keyPrefix: prefix }, { actor: 'alice' });
      await unfreezeBudget({ redis, keyPrefix: prefix }, { tenant: 'clinic-d', actor: 'alice' });
      await c.authorize(request);
    });

    it('caps Google Places at 150 calls a day even under 200 concurrent callers', async () => {
      const controllers = [controller(), controller(), controller(), controller()];
      const results = await Promise.allSettled(
        Array.from({ length: 200 }, (_, i) => controllers[i % 4]!.acquireCall('google_places')),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(150);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toMatchObject({ reason: 'call_cap_exceeded' });
      expect(await connect().get(`${budgetKeys(prefix).base}calls:google_places:day:2030-03-10`)).toBe('150');
    });

    it('stops at the monthly Places cap too', async () => {
      await connect().set(`${budgetKeys(prefix).base}calls:google_places:month:2030-03`, '4500');
      await expect(controller().acquireCall('google_places')).rejects.toThrow(/monthly cap of 4500/);
    });
  });

  describe('concurrency', () => {
    it('never loses an increment: 400 concurrent records over 4 connections match the ledger exactly', async () => {
      const controllers = [controller(), controller(), controller(), controller()];
      const tenants = ['t1', 't2', 't3'];
      await Promise.all(
        Array.from({ length: 400 }, (_, i) =>
          controllers[i % 4]!.record({
            provider: 'openai',
            model: i % 2 ? 'gpt-4o' : 'gpt-4o-mini',
            operation: 'scoring',
            tenant: tenants[i % 3],
            inputTokens: 1000 + i,
            outputTokens: 100 + (i % 7),
          }),
        ),
      );
      const { rows } = await db.pool.query<{ micro: string; n: string }>(
        'select (sum(cost_usd) * 1000000)::bigint as micro, count(*) as n from llm_usage_logs',
      );
      expect(rows[0]!.n).toBe('400');
      const redis = connect();
      expect(await redis.get(`${budgetKeys(prefix).base}spend:day:2030-03-10`)).toBe(rows[0]!.micro);
      expect(await redis.get(`${budgetKeys(prefix).base}spend:month:2030-03`)).toBe(rows[0]!.micro);
      const report = await reconcileBudget({ pool: db.pool, redis, keyPrefix: prefix, now: NOW });
      expect(
        report.rows.filter((r) => r.status !== 'ok').concat(report.limits.filter((l) => l.status !== 'ok') as never),
      ).toEqual([]);
      expect(report.drift).toBe(false);
      expect(
        report.rows
          .filter((r) => r.scope === 'tenant')
          .map((r) => r.tenant)
          .sort(),
      ).toEqual(['t1', 't1', 't2', 't2', 't3', 't3']);
    });
  });

  describe('the ledger roll-up', () => {
    // what status reads (the roll-up plus the rows not folded yet) against the ledger, per tenant and day
    const fromLedger = `select (occurred_at at time zone 'UTC')::date::text as day,
      coalesce(tenant_id, '') as tenant_key,
      count(*)::int as calls, sum(cost_usd)::text as cost_usd from llm_usage_logs group by 1, 2 order by 1, 2`;
    const rolledUp = `select period_start::text as day, key1 as tenant_key, sum(calls)::int as calls,
      sum(cost_usd)::text as cost_usd
      from llm_usage_rollup_current where period = 'day' and dim = 'tenant'
      group by 1, 2 having sum(calls) <> 0 order by 1, 2`;

    it('follows UPDATEs and DELETEs of ledger rows, folded or not, not only INSERTs', async () => {
      await ledger([
        ['openai', 'gpt-4o', 'lead_scoring', 'clinic-a', 1.5, '2030-03-09T10:00:00Z'],
        ['openai', 'gpt-4o', 'lead_scoring', 'clinic-a', 2.5, '2030-03-09T11:00:00Z'],
      ]);
      // the controller folds in the background; here the first two rows are folded, the others not
      await foldBudgetLedger(db.pool);
      await ledger([
        ['openai', 'gpt-4o', 'lead_scoring', null, 3, '2030-03-10T09:00:00Z'],
        ['anthropic', 'claude-3-5-sonnet', 'reply_draft', 'clinic-b', 4, '2030-03-10T23:59:59Z'],
      ]);
      expect((await db.pool.query(rolledUp)).rows).toEqual((await db.pool.query(fromLedger)).rows);

      // a corrected cost, a row moved to another tenant and another day, and a deleted row
      await db.pool.query(`update llm_usage_logs set cost_usd = cost_usd * 2 where tenant_id = 'clinic-a'`);
      await db.pool.query(
        `update llm_usage_logs set tenant_id = 'clinic-c', occurred_at = '2030-03-11T00:00:01Z'
          where tenant_id = 'clinic-b'`,
      );
      await db.pool.query(`delete from llm_usage_logs where tenant_id is null`);
      const rows = (await db.pool.query(fromLedger)).rows;
      expect((await db.pool.query(rolledUp)).rows).toEqual(rows);
      expect(rows.map((r) => [r.day, r.tenant_key, r.calls, r.cost_usd])).toEqual([
        ['2030-03-09', 'clinic-a', 2, '8.000000'],
        ['2030-03-11', 'clinic-c', 1, '4.000000'],
      ]);
      await foldBudgetLedger(db.pool);
      expect((await db.pool.query(rolledUp)).rows).toEqual(rows);

      await db.pool.query('delete from llm_usage_logs');
      expect((await db.pool.query(rolledUp)).rows).toEqual([]);
      expect(
        (
          await db.pool.query(
            'select count(*)::int as n from llm_usage_rollup where cost_usd <> 0 or input_tokens <> 0',
          )
        ).rows,
      ).toEqual([{ n: 0 }]);
    });
  });

  describe('status and reconcile', () => {
    it('shows spend against each budget with both projections right at once, and the top lists', async () => {
      const redis = connect();
      const deps = { pool: db.pool, redis, keyPrefix: prefix };
      await budget({ period: 'daily', limitUsd: 10, hardStop: true });
      await budget({ period: 'monthly', limitUsd: 100, hardStop: true });
      await budget({ tenant: 'clinic-a', period: 'monthly', limitUsd: 5, hardStop: true });
      // Month so far (before today): $30 for clinic-b on gpt-4o; today: $4 for clinic-a and $2 for clinic-b.
      await ledger([
        ['openai', 'gpt-4o', 'lead_scoring', 'clinic-b', 30, '2030-03-03T09:00:00Z'],
        ['anthropic', 'claude-3-5-sonnet', 'reply_draft', 'clinic-a', 4, '2030-03-10T08:00:00Z'],
        ['openai', 'gpt-4o-mini', 'lead_scoring', 'clinic-b', 2, '2030-03-10T10:00:00Z'],
        ['openai', 'gpt-4o', 'lead_scoring', 'clinic-b', 99, '2030-02-28T23:59:59Z'],
      ]);
      const status = await getBudgetStatus({ ...deps, now: NOW });
      expect(status.today).toMatchObject({ periodId: '2030-03-10', spentUsd: 6, calls: 2 });
      expect(status.month).toMatchObject({ periodId: '2030-03', spentUsd: 36, calls: 3 });
      // Half the day is gone: $6 → $12. 9.5 of 31 days are gone: $36 → $117.47.
      expect(status.today.projectedUsd).toBe(12);
      expect(status.month.projectedUsd).toBeCloseTo((36 * 31) / 9.5, 4);
      const daily = status.budgets.find((b) => b.scope === 'global' && b.period === 'daily')!;
      expect(daily).toMatchObject({ spentUsd: 6, utilization: 0.6, level: 'notice', threshold: 50, projectedUsd: 12 });
      const monthly = status.budgets.find((b) => b.scope === 'global' && b.period === 'monthly')!;
      expect(monthly).toMatchObject({ spentUsd: 36, level: 'ok' });
      expect(monthly.projectedUtilization).toBeGreaterThan(1);
      const clinicA = status.budgets.find((b) => b.tenant === 'clinic-a')!;
      expect(clinicA).toMatchObject({ spentUsd: 4, utilization: 0.8, level: 'warning' });
      expect(status.exceeded).toBe(false);
      expect(status.top.models[0]).toMatchObject({ name: 'openai/gpt-4o', costUsd: 30 });
      expect(status.top.operations.map((o) => o.name)).toEqual(['lead_scoring', 'reply_draft']);
      expect(status.top.tenants.map((t) => t.name)).toEqual(['clinic-b', 'clinic-a']);

      const forTenant = await getBudgetStatus({ ...deps, now: NOW, tenant: 'clinic-a' });
      expect(forTenant.month.spentUsd).toBe(4);
      expect(forTenant.budgets.find((b) => b.scope === 'global' && b.period === 'monthly')?.spentUsd).toBe(36);
      expect(forTenant.top.models.map((m) => m.name)).toEqual(['anthropic/claude-3-5-sonnet']);

      await ledger([['openai', 'gpt-4o', 'x', 'clinic-a', 1.5, '2030-03-10T11:00:00Z']]);
      const over = await getBudgetStatus({ ...deps, now: NOW });
      expect(over.exceeded).toBe(true);
      expect(over.budgets.find((b) => b.tenant === 'clinic-a')?.level).toBe('exceeded');
    });

    it('reconcile finds counters that differ from the ledger and repairs them by the difference', async () => {
      const redis = connect();
      const deps = { pool: db.pool, redis, keyPrefix: prefix, now: NOW };
      const c = controller();
      await c.record({
        provider: 'openai',
        model: 'gpt-4o',
        operation: 'x',
        tenant: 'clinic-a',
        inputTokens: 1000,
        outputTokens: 0,
      }); // 2500 µ$
      // A pod that wrote the ledger but died before the counters, and a counter for a tenant with no ledger rows.
      await ledger([['openai', 'gpt-4o', 'x', 'clinic-a', 0.5, NOW]]);
      await redis.set(`${budgetKeys(prefix).base}spend:day:2030-03-10:tenant:ghost`, '1000');
      await redis.sadd(`${budgetKeys(prefix).base}tenants:day:2030-03-10`, 'ghost');
      await redis.hdel(`${budgetKeys(prefix).base}limits`, 'global:daily');
      await db.pool.query(`insert into budget_limits (scope, period, limit_usd) values ('global', 'daily', 20)`);

      const report = await reconcileBudget(deps);
      expect(report.drift).toBe(true);
      const row = (tenant: string | null, period: string) =>
        report.rows.find((r) => r.tenant === tenant && r.period === period)!;
      expect(row(null, 'daily')).toMatchObject({ redisUsd: 0.0025, ledgerUsd: 0.5025, diffUsd: 0.5, status: 'drift' });
      expect(row('ghost', 'daily')).toMatchObject({ redisUsd: 0.001, ledgerUsd: 0, status: 'drift' });
      expect(report.limits.find((l) => l.budget === 'global:daily')).toMatchObject({
        table: '20',
        redis: null,
        status: 'drift',
      });

      const repaired = await reconcileBudget(deps, { repair: true });
      expect(repaired.repaired).toBeGreaterThan(0);
      expect(await redis.get(`${budgetKeys(prefix).base}spend:day:2030-03-10`)).toBe('502500');
      expect(await redis.get(`${budgetKeys(prefix).base}spend:day:2030-03-10:tenant:ghost`)).toBe('0');
      expect((await reconcileBudget(deps)).drift).toBe(false);
      // The repaired budget copy is what the controller now enforces.
      await expect(
        c.authorize({ provider: 'openai', model: 'gpt-4o', operation: 'x', estimatedInputTokens: 10_000_000 }),
      ).rejects.toMatchObject({ reason: 'budget_exceeded' });
    });
  });
});
