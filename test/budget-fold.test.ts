/**
 * The ledger roll-up without insert triggers (migration 20251201000800): inserts leave their rows in
 * the tail, a fold moves them into llm_usage_rollup, and llm_usage_rollup_current (what budget
 * status and reconcile read) is the ledger summed exactly, whenever it is read: with a large tail,
 * with rows of transactions that commit after a fold, and while 4 processes write, correct, delete
 * and fold at once.
 */
import { execa } from 'execa';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { BudgetController, foldBudgetLedger, getBudgetStatus } from '../src/core/internal.js';
import { repoRoot } from './helpers/cli.js';
import { applySchema, createTestDatabase, type TestDatabase, truncateBudgetLedger } from './helpers/postgres.js';
import { deleteKeys, PATIENT_MS, TEST_REDIS_URL, uniquePrefix } from './helpers/redis.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase('mc_budget_fold');
  await applySchema(db.url);
}, 120_000);

beforeEach(async () => {
  await truncateBudgetLedger(db.pool);
});

afterAll(async () => {
  await db?.drop();
});

// The ledger expanded along the roll-up's keys, beside what the roll-up view holds: in one statement
// (one snapshot), the keys where they differ. Keys summing to nothing (rows since deleted) drop out.
const MISMATCHES = `
  with ledger as (
    select p.period, p.start as period_start, g.dim, g.key1, g.key2, count(*) as calls,
           sum(c.input_tokens) as input_tokens, sum(c.output_tokens) as output_tokens, sum(c.cost_usd) as cost_usd
      from (select (occurred_at at time zone 'UTC')::date as day, coalesce(tenant_id, '') as tenant_key,
                   provider || '/' || model as model, operation, input_tokens, output_tokens, cost_usd
                     from llm_usage_logs) c
      cross join lateral (values ('day', c.day), ('month', date_trunc('month', c.day)::date)) as p(period, start)
      cross join lateral (values ('model', c.model, ''), ('operation', c.operation, ''), ('tenant', c.tenant_key, ''),
                                 ('tenant_model', c.tenant_key, c.model),
                                 ('tenant_operation', c.tenant_key, c.operation))
                         as g(dim, key1, key2)
     where p.period = 'month' or g.dim = 'tenant'
     group by 1, 2, 3, 4, 5
  ), rolled as (
    select period, period_start, dim, key1, key2, sum(calls) as calls, sum(input_tokens) as input_tokens,
           sum(output_tokens) as output_tokens, sum(cost_usd) as cost_usd
      from ${'%s'} group by 1, 2, 3, 4, 5
    having sum(calls) <> 0 or sum(cost_usd) <> 0 or sum(input_tokens) <> 0 or sum(output_tokens) <> 0
  )
  select count(*) filter (where l.calls is distinct from r.calls or l.input_tokens is distinct from r.input_tokens
                            or l.output_tokens is distinct from r.output_tokens
                            or l.cost_usd is distinct from r.cost_usd)::int
           as mismatches,
         (select count(*) from llm_usage_logs)::int as ledger_rows
    from ledger l full join rolled r using (period, period_start, dim, key1, key2)`;

async function compare(source = 'llm_usage_rollup_current', client: pg.Pool | pg.Client = db.pool) {
  const { rows } = await client.query<{ mismatches: number; ledger_rows: number }>(MISMATCHES.replace('%s', source));
  return rows[0]!;
}

const tailRows = async () =>
  (
    await db.pool.query<{ n: number }>(
      `select count(*)::int as n from llm_usage_logs, llm_usage_fold_state s
        where fold_xid >= s.horizon or fold_xid = any (s.running)`,
    )
  ).rows[0]!.n;

/** n ledger rows in one statement, over 30 tenants x 8 models x 4 operations, in March 2030 */
async function insertMany(n: number, client: pg.Pool | pg.Client = db.pool): Promise<void> {
  await client.query(
    `insert into llm_usage_logs (provider, model, operation, tenant_id, input_tokens, output_tokens, cost_usd,
                                 occurred_at)
     select 'openai', 'm-' || i % 8, 'op-' || i % 4, case when i % 31 = 0 then null else 't-' || i % 30 end,
            100 + i % 90, 10 + i % 9, (1 + i % 17) / 1000.0, timestamptz '2030-03-01' + (i % 720) * interval '1 hour'
       from generate_series(1, $1::int) as i`,
    [n],
  );
}

const NOW = new Date('2030-03-30T18:00:00Z');
const status = () => getBudgetStatus({ pool: db.pool, redis: undefined, now: NOW, top: 50 });

describe('the ledger roll-up: tail plus folded rows', () => {
  it('status is the same from a 40,000-row tail as after folding it, and equal to the ledger both times', async () => {
    await insertMany(40_000);
    expect(await tailRows()).toBe(40_000);
    expect(await compare()).toEqual({ mismatches: 0, ledger_rows: 40_000 });
    const fromTail = await status();
    expect(fromTail.month.calls).toBe(40_000);

    expect(await foldBudgetLedger(db.pool)).toBe(40_000);
    expect(await tailRows()).toBe(0);
    // the table alone now holds everything; folding again adds nothing
    expect(await compare('llm_usage_rollup')).toEqual({ mismatches: 0, ledger_rows: 40_000 });
    expect(await foldBudgetLedger(db.pool)).toBe(0);
    expect(await compare()).toEqual({ mismatches: 0, ledger_rows: 40_000 });
    expect(await status()).toEqual(fromTail);
  });

  it('follows UPDATEs and DELETEs of folded rows and of rows still in the tail', async () => {
    await insertMany(300);
    await foldBudgetLedger(db.pool);
    await insertMany(200);
    // one statement over folded and unfolded rows: a corrected cost, a row moved to another tenant and day
    await db.pool.query(
      `update llm_usage_logs set cost_usd = cost_usd * 2, output_tokens = output_tokens + 1 where tenant_id = 't-3'`,
    );
    await db.pool.query(
      `update llm_usage_logs set tenant_id = 't-99', occurred_at = '2030-04-01T00:00:01Z' where tenant_id = 't-4'`,
    );
    await db.pool.query(`delete from llm_usage_logs where tenant_id is null or tenant_id = 't-5'`);
    expect(await compare()).toMatchObject({ mismatches: 0 });
    await foldBudgetLedger(db.pool);
    expect(await compare('llm_usage_rollup')).toMatchObject({ mismatches: 0 });
    await db.pool.query('delete from llm_usage_logs');
    expect(await compare()).toEqual({ mismatches: 0, ledger_rows: 0 });
    const left = await db.pool.query(
      `select count(*)::int as n from llm_usage_rollup where calls <> 0 or cost_usd <> 0`,
    );
    expect(left.rows).toEqual([{ n: 0 }]);
  });

  it('folds a transaction that commits after the fold ran on the next fold, never losing or doubling it', async () => {
    const late = new pg.Client({ connectionString: db.url });
    const elsewhere = new pg.Client({ connectionString: db.url });
    await late.connect();
    await elsewhere.connect();
    try {
      await late.query('begin');
      await insertMany(10, late);
      // a transaction that only holds an id (as a long job elsewhere on the server does) holds nothing back
      await elsewhere.query('begin');
      await elsewhere.query('select pg_current_xact_id()');
      await insertMany(5);
      expect(await foldBudgetLedger(db.pool)).toBe(5);
      await late.query('commit');
      expect(await compare()).toEqual({ mismatches: 0, ledger_rows: 15 });
      expect(await tailRows()).toBe(10);
      expect(await foldBudgetLedger(db.pool)).toBe(10);
      expect(await compare('llm_usage_rollup')).toEqual({ mismatches: 0, ledger_rows: 15 });
    } finally {
      await elsewhere.query('rollback');
      await late.end();
      await elsewhere.end();
    }
  });

  it('leaves rows its own transaction wrote in the tail, and refuses to fold under REPEATABLE READ', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('begin');
      await insertMany(7, client);
      expect((await client.query('select llm_usage_fold() as n')).rows[0].n).toBe('0');
      await client.query('commit');
      expect(await compare()).toEqual({ mismatches: 0, ledger_rows: 7 });
      expect(await foldBudgetLedger(db.pool)).toBe(7);
      await client.query('begin isolation level repeatable read');
      await expect(client.query('select llm_usage_fold()')).rejects.toThrow(/must run in a READ COMMITTED transaction/);
      await client.query('rollback');
    } finally {
      await client.end();
    }
  });

  it('a controller folds what it wrote in the background, off the call path', async () => {
    const redis = new Redis(TEST_REDIS_URL);
    const prefix = uniquePrefix('budget-fold');
    try {
      const errors: unknown[] = [];
      const budget = new BudgetController({
        redis,
        pool: db.pool,
        keyPrefix: prefix,
        redisTimeoutMs: PATIENT_MS,
        foldEveryMs: 1,
        now: () => NOW,
        onError: (e) => errors.push(e),
      });
      for (let i = 0; i < 3; i++)
        await budget.record({
          provider: 'openai',
          model: 'gpt-4o',
          operation: 'x',
          tenant: 'clinic-f',
          inputTokens: 400,
          outputTokens: 0,
        });
      // the first call's fold starts right after its row is written: the table itself (no tail) gets it
      await vi.waitFor(
        async () => {
          const { rows } = await db.pool.query(
            `select calls::int from llm_usage_rollup where period = 'month' and dim = 'tenant' and key1 = 'clinic-f'`,
          );
          expect(rows[0]?.calls).toBeGreaterThanOrEqual(1);
        },
        { timeout: 30_000, interval: 100 },
      );
      expect((await status()).month.calls).toBe(3);
      expect(errors).toEqual([]);
    } finally {
      await deleteKeys(redis, prefix);
      redis.disconnect();
    }
  });

  it('stays equal to the ledger while 4 processes insert, correct, delete and fold at once', async () => {
    await insertMany(2_000);
    const startAt = Date.now() + 2_000;
    const stopAt = startAt + 6_000;
    const workers = Array.from({ length: 4 }, (_, i) =>
      execa(
        'node',
        [
          `${repoRoot}test/budget-fold-worker.mjs`,
          JSON.stringify({ databaseUrl: db.url, startAt, stopAt, seed: i, fold: i % 2 === 0 }),
        ],
        { cwd: repoRoot, timeout: 120_000 },
      ),
    );
    // meanwhile: folds that wait, each followed by a check in one snapshot
    const checks: { mismatches: number; ledger_rows: number }[] = [];
    let folds = 0;
    while (Date.now() < stopAt + 500) {
      if ((await foldBudgetLedger(db.pool)) !== null) folds += 1;
      checks.push(await compare());
    }
    const results = (await Promise.all(workers)).map(
      (r) =>
        JSON.parse(String(r.stdout).trim().split('\n').pop()!) as {
          inserted: number;
          rolledBack: number;
          updated: number;
          deleted: number;
          folds: number;
          errors: string[];
        },
    );
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    const total = (k: 'inserted' | 'rolledBack' | 'updated' | 'deleted' | 'folds') =>
      results.reduce((s, r) => s + r[k], 0);
    // the run did what it says: every kind of write happened, and folds ran in several processes
    expect(total('inserted')).toBeGreaterThan(100);
    expect(total('rolledBack')).toBeGreaterThan(0);
    expect(total('updated')).toBeGreaterThan(0);
    expect(total('deleted')).toBeGreaterThan(0);
    expect(total('folds')).toBeGreaterThan(0);
    expect(folds).toBeGreaterThan(0);
    expect(checks.filter((c) => c.mismatches !== 0)).toEqual([]);

    const ledgerRows = 2_000 + total('inserted') - total('deleted');
    expect(await compare()).toEqual({ mismatches: 0, ledger_rows: ledgerRows });
    await foldBudgetLedger(db.pool);
    expect(await tailRows()).toBe(0);
    expect(await compare('llm_usage_rollup')).toEqual({ mismatches: 0, ledger_rows: ledgerRows });
  }, 120_000);
});
