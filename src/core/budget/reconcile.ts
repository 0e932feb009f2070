import type pg from 'pg';
import type { Redis } from 'ioredis';
import { budgetKeys } from './keys.js';
import { loadLimits, mirrorLimits, readMirroredLimits } from './limits.js';
import { counterExpiry, dayWindow, monthWindow, type Period, type PeriodWindow } from './periods.js';
import { limitField } from './keys.js';

export interface ReconcileRow {
  period: Period;
  periodId: string;
  scope: 'global' | 'tenant';
  tenant: string | null;
  redisUsd: number;
  ledgerUsd: number;
  /** ledger minus Redis: positive when the counter is short (the controller under-counts) */
  diffUsd: number;
  status: 'ok' | 'drift' | 'repaired';
}

export interface LimitMirrorRow {
  budget: string;
  table: string | null;
  redis: string | null;
  status: 'ok' | 'drift' | 'repaired';
}

export interface ReconcileReport {
  asOf: string;
  rows: ReconcileRow[];
  limits: LimitMirrorRow[];
  /** a difference was found (and not repaired) */
  drift: boolean;
  repaired: number;
}

export interface ReconcileDeps {
  pool: pg.Pool;
  redis: Redis;
  keyPrefix?: string;
  now?: Date;
}

/**
 * Compares the Redis spend counters (what the controller enforces) with the ledger (what was
 * recorded) for today and this month, overall and per tenant, and the Redis copy of the budgets
 * with budget_limits. `repair` moves each counter by the difference (INCRBY, so increments that
 * land meanwhile are kept) and rewrites the budget copy.
 */
export async function reconcileBudget(deps: ReconcileDeps, options: { repair?: boolean } = {}): Promise<ReconcileReport> {
  const now = deps.now ?? new Date();
  const keys = budgetKeys(deps.keyPrefix);
  const day = dayWindow(now);
  const month = monthWindow(now);

  const { rows: ledger } = await deps.pool.query<{ tenant_key: string; today: string; month: string }>(
    `select tenant_key,
            (coalesce(sum(cost_usd) filter (where day = $2), 0) * 1000000)::bigint as today,
            (sum(cost_usd) * 1000000)::bigint as month
       from llm_usage_daily where day >= $1 and day <= $2
      group by tenant_key`,
    [month.id + '-01', day.id],
  );
  const [dayTenants, monthTenants] = await Promise.all([deps.redis.smembers(keys.tenants(day)), deps.redis.smembers(keys.tenants(month))]);
  const tenants = [...new Set([...ledger.map((r) => r.tenant_key).filter((t) => t !== ''), ...dayTenants, ...monthTenants])].sort();

  const ledgerOf = (tenant: string | null, w: PeriodWindow) => {
    const field = w.period === 'daily' ? 'today' : 'month';
    const rows = tenant === null ? ledger : ledger.filter((r) => r.tenant_key === tenant);
    return rows.reduce((total, r) => total + Number(r[field]), 0);
  };

  const targets: { scope: 'global' | 'tenant'; tenant: string | null; window: PeriodWindow; key: string }[] = [];
  for (const w of [day, month]) {
    targets.push({ scope: 'global', tenant: null, window: w, key: keys.spend(w) });
    for (const t of tenants) targets.push({ scope: 'tenant', tenant: t, window: w, key: keys.spend(w, t) });
  }
  const counters = targets.length ? await deps.redis.mget(targets.map((t) => t.key)) : [];

  let repaired = 0;
  const rows: ReconcileRow[] = [];
  for (const [i, t] of targets.entries()) {
    const redisMicro = Number(counters[i] ?? 0);
    const ledgerMicro = ledgerOf(t.tenant, t.window);
    const diff = ledgerMicro - redisMicro;
    let status: ReconcileRow['status'] = diff === 0 ? 'ok' : 'drift';
    if (diff !== 0 && options.repair) {
      await deps.redis.multi().incrby(t.key, diff).pexpireat(t.key, counterExpiry(t.window)).exec();
      if (t.tenant) await deps.redis.multi().sadd(keys.tenants(t.window), t.tenant).pexpireat(keys.tenants(t.window), counterExpiry(t.window)).exec();
      status = 'repaired';
      repaired += 1;
    }
    rows.push({ period: t.window.period, periodId: t.window.id, scope: t.scope, tenant: t.tenant, redisUsd: redisMicro / 1e6, ledgerUsd: ledgerMicro / 1e6, diffUsd: diff / 1e6, status });
  }

  const [tableLimits, mirrored] = await Promise.all([loadLimits(deps.pool), readMirroredLimits(deps.redis, deps.keyPrefix)]);
  const limitRows: LimitMirrorRow[] = [];
  const fields = new Set([...tableLimits.map((l) => limitField(l.period, l.tenant ?? undefined)), ...Object.keys(mirrored)]);
  for (const field of [...fields].sort()) {
    const inTable = tableLimits.find((l) => limitField(l.period, l.tenant ?? undefined) === field);
    const table = inTable ? `${inTable.limitUsd}${inTable.hardStop ? '' : ' (soft)'}` : null;
    const copy = mirrored[field];
    const redis = copy ? `${copy.limitUsd}${copy.hardStop ? '' : ' (soft)'}` : null;
    limitRows.push({ budget: field, table, redis, status: table === redis ? 'ok' : 'drift' });
  }
  if (options.repair && limitRows.some((r) => r.status === 'drift')) {
    await mirrorLimits(deps, tableLimits, true);
    for (const r of limitRows) {
      if (r.status === 'drift') {
        r.status = 'repaired';
        repaired += 1;
      }
    }
  }

  return {
    asOf: now.toISOString(),
    rows,
    limits: limitRows,
    drift: rows.some((r) => r.status === 'drift') || limitRows.some((r) => r.status === 'drift'),
    repaired,
  };
}
