import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BudgetController, budgetKeys } from '../src/core/budget/index.js';
import { runInProcess } from './helpers/in-process.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { redisConnections, TEST_REDIS_URL, uniquePrefix, PATIENT_MS } from './helpers/redis.js';

let db: TestDatabase;
const prefix = uniquePrefix('budget-cli');
const { connect, closeAll } = redisConnections(prefix);

const env = () => ({
  MEDICALCOR_DATABASE_URL: db.url,
  MEDICALCOR_REDIS_URL: TEST_REDIS_URL,
  MEDICALCOR_REDIS_PREFIX: prefix,
  MEDICALCOR_ACTOR: 'finance@clinic',
});
const cli = (...args: string[]) => runInProcess(args, { env: env() });

beforeAll(async () => {
  db = await createTestDatabase('mc_budget_cli');
  await applySchema(db.url);
});

afterAll(async () => {
  await closeAll();
  await db?.drop();
});

describe('budget set / status / freeze / reconcile', () => {
  it('rejects bad amounts and tenants with exit 2 and writes nothing', async () => {
    const cases = [
      ['budget', 'set'],
      ['budget', 'set', '--daily', '-5'],
      ['budget', 'set', '--monthly', 'lots'],
      ['budget', 'set', '--daily', '0.0001'],
      ['budget', 'set', '--daily', '1.005'],
      ['budget', 'status', '--tenant', 'a b'],
      ['budget', 'status', '-o', 'github'],
    ];
    const results = await Promise.all(cases.map((args) => cli(...args)));
    for (const [i, result] of results.entries()) {
      expect(result.exitCode, cases[i]!.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^error: /m);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expect((await db.pool.query('select count(*)::int as n from budget_limits')).rows[0].n).toBe(0);
  });

  it('set writes budget_limits (who set it) and the copy the controller enforces', async () => {
    const result = await cli('budget', 'set', '--daily', '2', '--monthly', '$40');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/global\s+daily\s+\$2\.00\s+refuse calls/);
    const tenant = await cli('budget', 'set', '--tenant', 'clinic-9', '--monthly', '1', '--soft', '-o', 'json');
    expect(tenant.exitCode, tenant.stderr).toBe(0);
    expect(JSON.parse(tenant.stdout).limits).toEqual([
      expect.objectContaining({
        scope: 'tenant',
        tenant: 'clinic-9',
        period: 'monthly',
        limitUsd: 1,
        hardStop: false,
        updatedBy: 'finance@clinic',
      }),
    ]);
    const { rows } = await db.pool.query(
      'select scope, tenant_id, period, limit_usd::text, hard_stop, updated_by from budget_limits order by id',
    );
    expect(rows).toEqual([
      {
        scope: 'global',
        tenant_id: null,
        period: 'daily',
        limit_usd: '2.00',
        hard_stop: true,
        updated_by: 'finance@clinic',
      },
      {
        scope: 'global',
        tenant_id: null,
        period: 'monthly',
        limit_usd: '40.00',
        hard_stop: true,
        updated_by: 'finance@clinic',
      },
      {
        scope: 'tenant',
        tenant_id: 'clinic-9',
        period: 'monthly',
        limit_usd: '1.00',
        hard_stop: false,
        updated_by: 'finance@clinic',
      },
    ]);
    expect(JSON.parse((await connect().hget(`${budgetKeys(prefix).base}limits`, 'global:daily'))!)).toEqual({
      limitUsd: 2,
      hardStop: true,
    });
  });

  it('status shows spend against each budget and exits 3 once one is exceeded', async () => {
    const controller = new BudgetController({
      redis: connect(),
      pool: db.pool,
      keyPrefix: prefix,
      redisTimeoutMs: PATIENT_MS,
    });
    await controller.record({
      provider: 'anthropic',
      model: 'claude-3-5-sonnet-20241022',
      operation: 'reply_draft',
      tenant: 'clinic-9',
      user: 'dr.popescu@clinic.ro',
      inputTokens: 100_000,
      outputTokens: 10_000,
    }); // $0.45
    const ok = await cli('budget', 'status');
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/global\s+daily \d{4}-\d{2}-\d{2}\s+\$2\.00\s+\$0\.45\s+23%\s+ok/);
    expect(ok.stdout).toMatch(/tenant clinic-9\s+monthly \d{4}-\d{2}\s+\$1\.00 \(soft\)\s+\$0\.45\s+45%\s+ok/);
    expect(ok.stdout).toContain('anthropic/claude-3-5-sonnet-20241022');
    expect(ok.stdout).toContain('projected');
    expect(ok.stdout).toContain('google_places calls: 0/150 today, 0/4500 this month');
    expect(ok.stdout).not.toContain('dr.popescu');

    await controller.record({
      provider: 'anthropic',
      model: 'claude-3-5-sonnet',
      operation: 'reply_draft',
      tenant: 'clinic-9',
      inputTokens: 200_000,
      outputTokens: 0,
    }); // $0.60
    const over = await cli('budget', 'status', '--tenant', 'clinic-9', '-o', 'json');
    expect(over.exitCode, over.stderr).toBe(3);
    const status = JSON.parse(over.stdout);
    expect(status).toMatchObject({ tenant: 'clinic-9', exceeded: true, frozen: false });
    expect(status.budgets.find((b: { tenant: string | null }) => b.tenant === 'clinic-9')).toMatchObject({
      spentUsd: 1.05,
      level: 'exceeded',
      threshold: 100,
    });
    expect(status.month.spentUsd).toBe(1.05);
  });

  const redisDownStatus =
    'with Redis unreachable, status still shows the ledger’s spend, names Redis, and exits 3 ' +
    '(an exceeded budget is certain: 3 wins over 4)';
  it(redisDownStatus, async () => {
    const run = await runInProcess(['budget', 'status', '-o', 'json'], {
      env: { ...env(), MEDICALCOR_REDIS_URL: 'redis://127.0.0.1:1' },
    });
    expect(run.exitCode, run.stderr).toBe(3);
    expect(run.stderr).toContain('Cannot reach Redis at redis://127.0.0.1:1');
    const status = JSON.parse(run.stdout);
    expect(status).toMatchObject({
      unavailable: ['redis'],
      partial: true,
      calls: null,
      exceeded: true,
      frozen: null,
      freezes: null,
    });
    expect(status.month.spentUsd).toBe(1.05);
    const table = await runInProcess(['budget', 'status'], {
      env: { ...env(), MEDICALCOR_REDIS_URL: 'redis://127.0.0.1:1' },
    });
    expect(table.exitCode).toBe(3);
    expect(table.stdout).toContain('Redis could not be reached: freezes and paid API call counts are unknown.');
  });

  it('freeze is the kill switch the controller obeys on its next call; unfreeze lifts it', async () => {
    const controller = new BudgetController({
      redis: connect(),
      pool: db.pool,
      keyPrefix: prefix,
      redisTimeoutMs: PATIENT_MS,
    });
    const request = { provider: 'openai', model: 'gpt-4o-mini', operation: 'lead_scoring', tenant: 'clinic-3' };
    await controller.authorize(request);
    const freeze = await cli('budget', 'freeze', '--reason', 'invoice dispute');
    expect(freeze.exitCode, freeze.stderr).toBe(0);
    await expect(controller.authorize(request)).rejects.toThrow(
      'AI spend is frozen by finance@clinic: invoice dispute.',
    );
    const status = JSON.parse((await cli('budget', 'status', '-o', 'json')).stdout);
    expect(status.frozen).toBe(true);
    expect(status.freezes[0]).toMatchObject({ actor: 'finance@clinic', reason: 'invoice dispute', tenant: null });
    const unfreeze = await cli('budget', 'unfreeze');
    expect(unfreeze.exitCode, unfreeze.stderr).toBe(0);
    expect(unfreeze.stdout).toContain('invoice dispute');
    await controller.authorize(request);
    expect((await cli('budget', 'unfreeze')).stdout).toContain('was not frozen');
  });

  it('reconcile reports counters that differ from the ledger (exit 3) and --repair fixes them', async () => {
    // A pod wrote the ledger but died before updating Redis.
    await db.pool.query(
      `insert into llm_usage_logs (provider, model, operation, tenant_id, cost_usd)
       values ('openai', 'gpt-4o', 'x', 'clinic-5', 0.25)`,
    );
    const report = await cli('budget', 'reconcile', '-o', 'json');
    expect(report.exitCode, report.stderr).toBe(3);
    const body = JSON.parse(report.stdout);
    const globalDaily = body.rows.find(
      (r: { scope: string; period: string }) => r.scope === 'global' && r.period === 'daily',
    );
    expect(globalDaily).toMatchObject({ ledgerUsd: 1.3, redisUsd: 1.05, diffUsd: 0.25, status: 'drift' });
    expect(
      body.rows.find(
        (r: { tenant: string | null; period: string }) => r.tenant === 'clinic-5' && r.period === 'monthly',
      ),
    ).toMatchObject({ redisUsd: 0, ledgerUsd: 0.25 });

    const repair = await cli('budget', 'reconcile', '--repair');
    expect(repair.exitCode, repair.stderr).toBe(0);
    expect(repair.stdout).toMatch(/repaired/);
    const day = new Date().toISOString().slice(0, 10);
    expect(await connect().get(`${budgetKeys(prefix).base}spend:day:${day}`)).toBe('1300000');
    const clean = await cli('budget', 'reconcile');
    expect(clean.exitCode, clean.stderr).toBe(0);
    expect(clean.stdout).toContain('Redis counters match the ledger.');
  });

  it('a database without the schema gets a clear error and the next step (exit 1)', async () => {
    const empty = await createTestDatabase('mc_budget_cli_empty');
    try {
      const result = await runInProcess(['budget', 'status'], {
        env: { ...env(), MEDICALCOR_DATABASE_URL: empty.url },
      });
      expect(result.exitCode, result.stderr).toBe(1);
      expect(result.stderr).toContain('schema is not applied');
      expect(result.stderr).toContain('medicalcor migrate up');
    } finally {
      await empty.drop();
    }
  });
});
