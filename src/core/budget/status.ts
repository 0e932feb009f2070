import { rethrowSchemaMissing } from '../errors.js';
import type pg from 'pg';
import type { RedisClient } from '../redis/client.js';
import { listTenantFreezes, readFreezes, type FreezeRecord } from './freeze.js';
import { budgetKeys } from './keys.js';
import { loadLimits, type BudgetLimit } from './limits.js';
import { dayWindow, monthWindow, project, type PeriodWindow } from './periods.js';
import { PRICE_TABLE_DATE } from './pricing.js';
import { CALL_CAPS, type CappedApi } from './tiers.js';

export type ThresholdLevel = 'ok' | 'notice' | 'warning' | 'critical' | 'exceeded';

export interface BudgetLine extends BudgetLimit {
  periodId: string;
  spentUsd: number;
  /** spent / limit (1 = the budget is used up) */
  utilization: number;
  /** ok < 50 % ≤ notice < 75 % ≤ warning < 90 % ≤ critical < 100 % ≤ exceeded */
  level: ThresholdLevel;
  /** the highest threshold reached: 0, 50, 75, 90 or 100 */
  threshold: number;
  projectedUsd: number;
  projectedUtilization: number;
  resetsAt: string;
}

export interface SpendSummary {
  periodId: string;
  spentUsd: number;
  calls: number;
  projectedUsd: number;
  resetsAt: string;
}

export interface TopEntry {
  name: string;
  costUsd: number;
  calls: number;
  tokens: number;
  share: number;
}

export interface CallCapLine {
  api: CappedApi;
  today: number;
  dailyCap: number;
  month: number;
  monthlyCap: number;
}

export interface BudgetStatus {
  asOf: string;
  tenant: string | null;
  priceTableDate: string;
  /** null when Redis could not be read: whether spend is frozen is unknown */
  frozen: boolean | null;
  /** null when Redis could not be read */
  freezes: FreezeRecord[] | null;
  /** a budget (hard or soft) is used up */
  exceeded: boolean;
  today: SpendSummary;
  month: SpendSummary;
  budgets: BudgetLine[];
  /** month to date, biggest cost first */
  top: { models: TopEntry[]; operations: TopEntry[]; tenants: TopEntry[] };
  /** null when Redis could not be read: the counts are unknown */
  calls: CallCapLine[] | null;
  /** sources that could not be read ('redis': freezes and API call counts are unknown) */
  unavailable: string[];
}

export interface BudgetStatusDeps {
  pool: pg.Pool;
  /** undefined when Redis cannot be reached: spend and budgets still come from the ledger */
  redis: RedisClient | undefined;
  keyPrefix?: string;
  now?: Date;
  tenant?: string;
  /** entries in each top list (default 5) */
  top?: number;
}

interface SpendRow {
  kind: 'tenant' | 'model' | 'operation';
  name: string;
  today_cost: string;
  today_calls: string;
  month_cost: string;
  month_calls: string;
  month_tokens: string;
}

function readAllFreezes(deps: BudgetStatusDeps): Promise<FreezeRecord[] | null> {
  if (!deps.redis) return Promise.resolve(null);
  const redisDeps = { ...deps, redis: deps.redis };
  return deps.tenant
    ? readFreezes(redisDeps, deps.tenant)
    : Promise.all([readFreezes(redisDeps), listTenantFreezes(redisDeps)]).then(([a, b]) => [...a, ...b]);
}

/**
 * Spend today and this month against every budget, from the ledger's month and day roll-up and its
 * tail not folded yet (one query, no writes: it may run on a replica), plus freezes and API call
 * counts from Redis.
 */
export async function getBudgetStatus(deps: BudgetStatusDeps): Promise<BudgetStatus> {
  return readStatus(deps).catch(rethrowSchemaMissing);
}

async function readStatus(deps: BudgetStatusDeps): Promise<BudgetStatus> {
  const now = deps.now ?? new Date();
  const keys = budgetKeys(deps.keyPrefix);
  const day = dayWindow(now);
  const month = monthWindow(now);
  const tenant = deps.tenant ?? null;
  const limit = deps.top ?? 5;

  const [limits, spend, freezes, callCounts] = await Promise.all([
    loadLimits(deps.pool, deps.tenant),
    // a few rows per tenant, model and operation from the month and day roll-up, whatever the day of the
    // month, plus the ledger rows not folded yet (llm_usage_rollup_current): one statement, one snapshot
    deps.pool.query<SpendRow>(
      `with v as materialized (
         -- one pass over the view: the tail is read once for the month's and the day's rows
         select period, dim, key1, key2, calls, input_tokens + output_tokens as tokens, cost_usd
           from llm_usage_rollup_current
          where (period = 'month' and period_start = $1::date
                 and (($3::text is null and dim in ('tenant', 'model', 'operation'))
                      or ($3::text is not null and key1 = $3
                          and dim in ('tenant', 'tenant_model', 'tenant_operation'))))
             or (period = 'day' and period_start = $2::date and dim = 'tenant' and ($3::text is null or key1 = $3))
       ), m as (
         select dim, key1, key2, sum(calls) as calls, sum(tokens) as tokens, sum(cost_usd) as cost_usd
           from v where period = 'month' group by 1, 2, 3 having sum(calls) <> 0
       ), d as (
         select key1, sum(calls) as calls, sum(cost_usd) as cost_usd from v where period = 'day' group by 1
       )
       select case when m.dim = 'tenant' then 'tenant' when m.dim in ('model', 'tenant_model') then 'model'
                   else 'operation' end as kind,
              case when m.dim in ('tenant_model', 'tenant_operation') then m.key2 else m.key1 end as name,
              coalesce(d.cost_usd, 0) as today_cost, coalesce(d.calls, 0) as today_calls,
              m.cost_usd as month_cost, m.calls as month_calls, m.tokens as month_tokens
         from m left join d on m.dim = 'tenant' and d.key1 = m.key1`,
      [month.id + '-01', day.id, tenant],
    ),
    readAllFreezes(deps),
    deps.redis
      ? deps.redis.mget(...Object.keys(CALL_CAPS).flatMap((api) => [keys.calls(api, day), keys.calls(api, month)]))
      : undefined,
  ]);

  const byKind = (kind: SpendRow['kind']) => spend.rows.filter((r) => r.kind === kind);
  const tenantRows = byKind('tenant');
  const sum = (rows: SpendRow[], field: keyof SpendRow) => rows.reduce((total, r) => total + Number(r[field]), 0);
  const spentFor = (w: PeriodWindow, who: string | null) => {
    const rows = who === null ? (tenant ? [] : tenantRows) : tenantRows.filter((r) => r.name === who);
    return sum(rows, w.period === 'daily' ? 'today_cost' : 'month_cost');
  };
  // With --tenant the query is already filtered: the global budgets need overall spend, read separately.
  const overall = tenant
    ? await overallSpend(deps.pool, month, day)
    : { today: sum(tenantRows, 'today_cost'), month: sum(tenantRows, 'month_cost') };

  const budgets: BudgetLine[] = limits.map((l) => {
    const w = l.period === 'daily' ? day : month;
    const spent = l.scope === 'global' ? (w.period === 'daily' ? overall.today : overall.month) : spentFor(w, l.tenant);
    const projected = project(spent, w, now);
    const utilization = spent / l.limitUsd;
    return {
      ...l,
      periodId: w.id,
      spentUsd: round(spent),
      utilization: round(utilization, 4),
      level: levelOf(utilization),
      threshold: thresholdOf(utilization),
      projectedUsd: round(projected),
      projectedUtilization: round(projected / l.limitUsd, 4),
      resetsAt: w.end.toISOString(),
    };
  });

  const scopeToday = sum(tenantRows, 'today_cost');
  const scopeMonth = sum(tenantRows, 'month_cost');
  const top = (kind: SpendRow['kind']): TopEntry[] =>
    byKind(kind)
      .map((r) => ({
        name: kind === 'tenant' && r.name === '' ? '(no tenant)' : r.name,
        costUsd: round(Number(r.month_cost)),
        calls: Number(r.month_calls),
        tokens: Number(r.month_tokens),
        share: scopeMonth > 0 ? round(Number(r.month_cost) / scopeMonth, 4) : 0,
      }))
      .sort((a, b) => b.costUsd - a.costUsd || a.name.localeCompare(b.name))
      .slice(0, limit);

  const calls = callCounts
    ? Object.entries(CALL_CAPS).map(([api, cap], i) => ({
        api: api as CappedApi,
        today: Number(callCounts[i * 2] ?? 0),
        dailyCap: cap.daily,
        month: Number(callCounts[i * 2 + 1] ?? 0),
        monthlyCap: cap.monthly,
      }))
    : null;

  return {
    asOf: now.toISOString(),
    tenant,
    priceTableDate: PRICE_TABLE_DATE,
    frozen: freezes === null ? null : freezes.length > 0,
    unavailable: deps.redis ? [] : ['redis'],
    freezes,
    exceeded: budgets.some((b) => b.utilization >= 1),
    today: {
      periodId: day.id,
      spentUsd: round(scopeToday),
      calls: sum(tenantRows, 'today_calls'),
      projectedUsd: round(project(scopeToday, day, now)),
      resetsAt: day.end.toISOString(),
    },
    month: {
      periodId: month.id,
      spentUsd: round(scopeMonth),
      calls: sum(tenantRows, 'month_calls'),
      projectedUsd: round(project(scopeMonth, month, now)),
      resetsAt: month.end.toISOString(),
    },
    budgets,
    top: { models: top('model'), operations: top('operation'), tenants: tenant ? [] : top('tenant') },
    calls,
  };
}

async function overallSpend(
  pool: pg.Pool,
  month: PeriodWindow,
  day: PeriodWindow,
): Promise<{ today: number; month: number }> {
  const { rows } = await pool.query<{ today: string; month: string }>(
    `select coalesce(sum(cost_usd) filter (where period = 'day'), 0) as today,
            coalesce(sum(cost_usd) filter (where period = 'month'), 0) as month
       from llm_usage_rollup_current
      where dim = 'tenant'
        and ((period = 'month' and period_start = $1::date) or (period = 'day' and period_start = $2::date))`,
    [month.id + '-01', day.id],
  );
  return { today: Number(rows[0]!.today), month: Number(rows[0]!.month) };
}

export function levelOf(utilization: number): ThresholdLevel {
  if (utilization >= 1) return 'exceeded';
  if (utilization >= 0.9) return 'critical';
  if (utilization >= 0.75) return 'warning';
  if (utilization >= 0.5) return 'notice';
  return 'ok';
}

function thresholdOf(utilization: number): number {
  return [100, 90, 75, 50].find((t) => utilization * 100 >= t) ?? 0;
}

function round(value: number, digits = 6): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
