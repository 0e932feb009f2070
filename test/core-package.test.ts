/**
 * The shared-state story end to end: a "service" uses the package's ./core entry (the built
 * dist/core/index.js, as the platform's services import it) to guard calls and record spend; the
 * CLI, a real child process, sees the same state and changes it, and the service obeys at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Core from '../src/core/index.js';
import { runCli } from './helpers/cli.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { redisConnections, TEST_REDIS_URL, uniquePrefix, PATIENT_MS } from './helpers/redis.js';

// Resolved by Node through package.json "exports" to dist/core/index.js, as a service resolves it; the
// specifier is a variable so type checking does not need a build (the types are the source's).
const entry = 'medicalcor/core';
const { BudgetController, BreakerOpenError, SharedBreakers } = (await import(entry)) as typeof Core;
type BudgetRefusedError = Core.BudgetRefusedError;
type SharedBreakers = Core.SharedBreakers;

let db: TestDatabase;
const prefix = uniquePrefix('core-package');
const { connect, closeAll } = redisConnections(prefix);
let service: SharedBreakers;

const cli = (...args: string[]) =>
  runCli(args, {
    env: {
      MEDICALCOR_DATABASE_URL: db.url,
      MEDICALCOR_REDIS_URL: TEST_REDIS_URL,
      MEDICALCOR_REDIS_PREFIX: prefix,
      MEDICALCOR_ACTOR: 'oncall@example',
    },
  });

async function until<T>(read: () => T, ok: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (!ok(read()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return read();
}

beforeAll(async () => {
  db = await createTestDatabase('mc_core_package');
  await applySchema(db.url);
  service = new SharedBreakers({
    redis: connect(),
    keyPrefix: prefix,
    redisTimeoutMs: PATIENT_MS,
    instanceId: 'api-pod-1',
    heartbeatMs: 1_000,
  });
});

afterAll(async () => {
  await service?.close();
  await closeAll();
  await db?.drop();
});

describe('a service on medicalcor/core and the CLI share one state', () => {
  it("the CLI sees a breaker the service tripped, and the service obeys the CLI's reset and force-open", async () => {
    const hubspot = await service.breaker('hubspot', { failureThreshold: 3 });
    for (let i = 0; i < 3; i++)
      await expect(hubspot.execute(() => Promise.reject(new Error('HubSpot 502 Bad Gateway')))).rejects.toThrow('502');
    expect(hubspot.view.state).toBe('open');

    const listed = await cli('breaker', 'list', '-o', 'json');
    expect(listed.exitCode, listed.stderr).toBe(3);
    const entry = JSON.parse(listed.stdout).breakers.find((b: { name: string }) => b.name === 'hubspot');
    expect(entry).toMatchObject({
      state: 'open',
      failures: 3,
      lastError: 'Error: HubSpot 502 Bad Gateway',
      instances: { reporting: 1, agreeing: 1 },
    });
    expect(Date.parse(entry.halfOpenAt) - Date.parse(entry.openedAt)).toBe(30_000);

    const reset = await cli('breaker', 'reset', 'hubspot');
    expect(reset.exitCode, reset.stderr).toBe(0);
    expect(reset.stdout).toContain('reset by oncall@example');
    await until(
      () => hubspot.view.state,
      (s) => s === 'closed',
    );
    expect(await hubspot.execute(async () => 'sent')).toBe('sent');

    const opened = await cli('breaker', 'open', 'hubspot', '--for', '30m', '--reason', 'HubSpot maintenance window');
    expect(opened.exitCode, opened.stderr).toBe(0);
    await until(
      () => hubspot.view.state,
      (s) => s === 'open',
    );
    let called = false;
    const refused = await hubspot
      .execute(async () => {
        called = true;
      })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BreakerOpenError);
    expect(called).toBe(false);
    expect((refused as Error).message).toContain('oncall@example: HubSpot maintenance window');
  });

  it('resolves medicalcor/core to the built package entry', async () => {
    expect(await import.meta.resolve?.(entry)).toMatch(/\/dist\/core\/index\.js$/);
  });

  it(
    'spend the service records shows in budget status; the hard stop ' +
      'opens the openai breaker; a CLI freeze stops the service',
    async () => {
      const budget = new BudgetController({
        redis: connect(),
        pool: db.pool,
        keyPrefix: prefix,
        redisTimeoutMs: PATIENT_MS,
      });
      const openai = await service.breaker('openai');
      const set = await cli('budget', 'set', '--daily', '0.05', '--monthly', '10');
      expect(set.exitCode, set.stderr).toBe(0);

      const score = () =>
        openai.execute(() =>
          budget.guard(
            {
              provider: 'openai',
              model: 'gpt-4o',
              operation: 'lead_scoring',
              tenant: 'clinic-1',
              correlationId: 'corr-42',
            },
            async () => ({ value: 42, usage: { inputTokens: 8_000, outputTokens: 500 } }), // $0.025
          ),
        );
      expect(await score()).toBe(42);
      const half = await cli('budget', 'status', '-o', 'json');
      expect(half.exitCode, half.stderr).toBe(0);
      const status = JSON.parse(half.stdout);
      expect(status.today.spentUsd).toBe(0.025);
      expect(status.budgets.find((b: { period: string }) => b.period === 'daily')).toMatchObject({
        limitUsd: 0.05,
        utilization: 0.5,
        level: 'notice',
      });
      expect(status.top.tenants[0]).toMatchObject({ name: 'clinic-1', costUsd: 0.025 });

      expect(await score()).toBe(42); // reaches $0.05: the daily budget is used up
      const refusal = await score().catch((e: unknown) => e);
      expect((refusal as BudgetRefusedError).reason ?? (refusal as Error).name).toMatch(
        /budget_exceeded|BreakerOpenError/,
      );
      const exceeded = await cli('budget', 'status');
      expect(exceeded.exitCode, exceeded.stderr).toBe(3);
      expect(exceeded.stdout).toContain('exceeded');
      const breakers = JSON.parse((await cli('breaker', 'list', '-o', 'json')).stdout).breakers;
      expect(breakers.find((b: { name: string }) => b.name === 'openai').forced).toMatchObject({
        actor: 'budget-controller',
        reason: expect.stringMatching(/^budget: global daily budget of \$0\.05 reached/),
      });
      await until(
        () => openai.view.state,
        (s) => s === 'open',
      );

      // Raise the budget, reset the breaker: calls flow again, until an operator freezes spend.
      expect((await cli('budget', 'set', '--daily', '5')).exitCode).toBe(0);
      expect((await cli('breaker', 'reset', 'openai')).exitCode).toBe(0);
      await until(
        () => openai.view.state,
        (s) => s === 'closed',
      );
      expect(await score()).toBe(42);
      expect(
        (await cli('budget', 'freeze', '--tenant', 'clinic-1', '--reason', 'suspected prompt loop')).exitCode,
      ).toBe(0);
      await expect(score()).rejects.toThrow(/frozen for tenant clinic-1 by oncall@example: suspected prompt loop/);
      expect((await cli('budget', 'unfreeze', '--tenant', 'clinic-1')).exitCode).toBe(0);
      expect(await score()).toBe(42);

      const { rows } = await db.pool.query<{ n: string }>(
        `select count(*) as n from llm_usage_logs where correlation_id = 'corr-42' and tenant_id = 'clinic-1'`,
      );
      expect(rows[0]!.n).toBe('4');
      const reconcile = await cli('budget', 'reconcile', '-o', 'json');
      expect(reconcile.exitCode, reconcile.stderr).toBe(0);
      expect(JSON.parse(reconcile.stdout).drift).toBe(false);
    },
  );
});
