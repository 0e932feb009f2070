import { rethrowSchemaMissing } from '../errors.js';
import type pg from 'pg';
import type { RedisClient } from '../redis/client.js';
import { scanKeys } from '../redis/client.js';
import { runScript } from '../redis/script.js';
import { budgetKeys, limitField, parseSpendKey, type BudgetKeys } from './keys.js';
import { loadLimits, mirrorLimits, readMirroredLimits } from './limits.js';
import { counterExpiry, dayWindow, monthWindow, type Period, type PeriodWindow } from './periods.js';
import { foldBudgetLedger } from './fold.js';
import { REPAIR_SCRIPT, SNAPSHOT_SCRIPT } from './scripts.js';

export interface ReconcileRow {
  key: string;
  period: Period;
  periodId: string;
  scope: 'global' | 'tenant';
  tenant: string | null;
  /** the counter's value in USD; null when it is missing or not a number */
  redisUsd: number | null;
  /** what the counter holds when it is not a number */
  redisRaw: string | null;
  ledgerUsd: number;
  /** reservations in flight on this counter at the snapshot (counted by Redis, not yet by the ledger) */
  inFlightUsd: number;
  /** ledger + in flight - Redis: positive when the counter is short (the controller under-counts) */
  diffUsd: number;
  status: 'ok' | 'drift' | 'corrupt' | 'repaired';
}

export interface ReconcileChange {
  key: string;
  /** the value before ('(missing)' or the text that was not a number) */
  from: string;
  to: string;
  /** micro-dollars added ('set' for a value that was not a number) */
  by: number | 'set';
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
  /** exactly what --repair changed */
  changes: ReconcileChange[];
  /** something is still wrong (not repaired, or found again when checked after repairing) */
  drift: boolean;
  repaired: number;
}

export interface ReconcileDeps {
  pool: pg.Pool;
  redis: RedisClient;
  keyPrefix?: string;
  now?: Date;
}

interface Target {
  key: string;
  window: PeriodWindow;
  tenant: string | null;
}

interface Measurement extends Target {
  raw: string | null;
  value: number | null;
  ledgerMicro: number;
  inFlightMicro: number;
}

function windowOf(kind: 'day' | 'month', id: string): PeriodWindow {
  return kind === 'day' ? dayWindow(new Date(`${id}T00:00:00Z`)) : monthWindow(new Date(`${id}-01T00:00:00Z`));
}

/**
 * Compares every spend counter under the prefix (found by SCAN, whatever its tenant or period) and
 * the current periods' ledger tenants with the llm_usage_logs ledger, safely while calls are being
 * recorded. The counters, the reservations in flight and the last reservation id are read in one
 * atomic snapshot; the ledger is then read without the rows of reservations that were in flight or
 * came after the snapshot (their budget_seq says which). So for each counter
 *   expected = ledger(before the snapshot) + in flight(at the snapshot)
 * holds exactly at the snapshot, and a repair adds the difference (INCRBY), which keeps whatever
 * was counted meanwhile. A counter that is not a number is replaced (only if unchanged since).
 * After repairing, everything is measured again; what is still wrong is reported as drift.
 */
export async function reconcileBudget(
  deps: ReconcileDeps,
  options: { repair?: boolean } = {},
): Promise<ReconcileReport> {
  return reconcile(deps, options).catch(rethrowSchemaMissing);
}

async function reconcile(deps: ReconcileDeps, options: { repair?: boolean }): Promise<ReconcileReport> {
  const now = deps.now ?? new Date();
  // not needed for the result (the tail is read too), but keeps the read short; skipped if a fold is running
  await foldBudgetLedger(deps.pool, { wait: false });
  const keys = budgetKeys(deps.keyPrefix);
  let measured = await measure(deps, keys, now);
  const changes: ReconcileChange[] = [];
  const wrong = measured.filter((m) => (m.value === null ? m.raw !== null : expected(m) !== m.value));
  if (options.repair && wrong.length) {
    const argv = wrong.flatMap((m) =>
      m.value === null && m.raw !== null
        ? ['set', String(expected(m)), m.raw, String(counterExpiry(m.window))]
        : ['by', String(expected(m) - (m.value ?? 0)), '', String(counterExpiry(m.window))],
    );
    const after = (await runScript(
      deps.redis,
      REPAIR_SCRIPT,
      wrong.map((m) => m.key),
      argv,
    )) as string[];
    for (const [i, m] of wrong.entries()) {
      const result = after[i]!;
      if (result.startsWith('skipped')) continue;
      changes.push({
        key: m.key,
        from: m.raw ?? '(missing)',
        to: result,
        by: m.value === null && m.raw !== null ? 'set' : expected(m) - (m.value ?? 0),
      });
    }
    measured = await measure(deps, keys, now);
  }
  const changedKeys = new Set(changes.map((c) => c.key));
  const rows: ReconcileRow[] = measured.map((m) => {
    const diff = expected(m) - (m.value ?? 0);
    const corrupt = m.value === null && m.raw !== null;
    const status: ReconcileRow['status'] = corrupt
      ? 'corrupt'
      : diff !== 0
        ? 'drift'
        : changedKeys.has(m.key)
          ? 'repaired'
          : 'ok';
    return {
      key: m.key,
      period: m.window.period,
      periodId: m.window.id,
      scope: m.tenant === null ? 'global' : 'tenant',
      tenant: m.tenant,
      redisUsd: m.value === null ? null : m.value / 1e6,
      redisRaw: corrupt ? m.raw : null,
      ledgerUsd: m.ledgerMicro / 1e6,
      inFlightUsd: m.inFlightMicro / 1e6,
      diffUsd: diff / 1e6,
      status,
    };
  });

  const limits = await reconcileLimits(deps, options.repair ?? false);
  return {
    asOf: now.toISOString(),
    rows,
    limits: limits.rows,
    changes,
    drift:
      rows.some((r) => r.status === 'drift' || r.status === 'corrupt') || limits.rows.some((r) => r.status === 'drift'),
    repaired: changes.length + limits.repaired,
  };
}

function expected(m: Measurement): number {
  return m.ledgerMicro + m.inFlightMicro;
}

async function measure(deps: ReconcileDeps, keys: BudgetKeys, now: Date): Promise<Measurement[]> {
  const day = dayWindow(now);
  const month = monthWindow(now);
  const targets = new Map<string, Target>();
  const add = (t: Target) => targets.set(t.key, t);
  for (const w of [day, month]) add({ key: keys.spend(w), window: w, tenant: null });
  for (const key of await scanKeys(deps.redis, keys.spendPattern)) {
    const parsed = parseSpendKey(keys, key);
    if (parsed) add({ key, window: windowOf(parsed.kind, parsed.id), tenant: parsed.tenant });
  }
  const { rows: ledgerTenants } = await deps.pool.query<{ tenant_key: string }>(
    `select distinct key1 as tenant_key from llm_usage_rollup_current
      where period = 'day' and dim = 'tenant' and period_start >= $1 and period_start <= $2 and key1 <> ''`,
    [month.id + '-01', day.id],
  );
  for (const { tenant_key: tenant } of ledgerTenants) {
    for (const w of [day, month]) add({ key: keys.spend(w, tenant), window: w, tenant });
  }
  const list = [...targets.values()].sort((a, b) => a.key.localeCompare(b.key));

  const [seq, values, flat] = (await runScript(
    deps.redis,
    SNAPSHOT_SCRIPT,
    [keys.reservations, keys.sequence, ...list.map((t) => t.key)],
    [],
  )) as [string, string[], string[]];
  const inFlight = new Map<string, number>();
  const ids: string[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    ids.push(flat[i]!);
    try {
      const record = JSON.parse(flat[i + 1]!) as { keys: string[]; amounts: number[] };
      for (const [j, key] of record.keys.entries())
        inFlight.set(key, (inFlight.get(key) ?? 0) + Number(record.amounts[j] ?? 0));
    } catch {
      // an unreadable record holds nothing we can count
    }
  }

  // One statement, one MVCC snapshot: the roll-up and its tail minus the rows of reservations in flight or newer.
  const from = list.reduce((min, t) => (t.window.start < min ? t.window.start : min), month.start);
  const to = list.reduce((max, t) => (t.window.end > max ? t.window.end : max), day.end);
  const { rows: ledger } = await deps.pool.query<{ day: string; tenant_key: string; micro: string }>(
    `with rolled as (
       select period_start as day, key1 as tenant_key, sum(cost_usd) as cost from llm_usage_rollup_current
        where period = 'day' and dim = 'tenant' and period_start >= $1::date and period_start < $2::date group by 1, 2
     ), newer as (
       select (occurred_at at time zone 'UTC')::date as day, coalesce(tenant_id, '') as tenant_key,
              sum(cost_usd) as cost
         from llm_usage_logs
        where budget_seq is not null and (budget_seq > $3::bigint or budget_seq = any($4::bigint[]))
          and occurred_at >= $1::timestamptz and occurred_at < $2::timestamptz
        group by 1, 2
     )
     select to_char(r.day, 'YYYY-MM-DD') as day, r.tenant_key,
            ((r.cost - coalesce(n.cost, 0)) * 1000000)::bigint as micro
       from rolled r left join newer n using (day, tenant_key)`,
    [from.toISOString(), to.toISOString(), seq, ids],
  );
  const ledgerOf = (t: Target) =>
    ledger
      .filter(
        (r) =>
          (t.tenant === null || r.tenant_key === t.tenant) &&
          r.day >= t.window.start.toISOString().slice(0, 10) &&
          r.day < t.window.end.toISOString().slice(0, 10),
      )
      .reduce((sum, r) => sum + Number(r.micro), 0);

  return list
    .map((t, i) => {
      const raw = values[i] === '' ? null : values[i]!;
      const value = raw === null ? 0 : /^-?\d+$/.test(raw) ? Number(raw) : null;
      return {
        ...t,
        raw,
        value: raw === null ? null : value,
        ledgerMicro: ledgerOf(t),
        inFlightMicro: inFlight.get(t.key) ?? 0,
      };
    })
    .map((m) => (m.raw === null ? { ...m, value: 0, raw: null } : m));
}

async function reconcileLimits(
  deps: ReconcileDeps,
  repair: boolean,
): Promise<{ rows: LimitMirrorRow[]; repaired: number }> {
  const [tableLimits, mirrored] = await Promise.all([
    loadLimits(deps.pool),
    readMirroredLimits(deps.redis, deps.keyPrefix),
  ]);
  const rows: LimitMirrorRow[] = [];
  const fields = new Set([
    ...tableLimits.map((l) => limitField(l.period, l.tenant ?? undefined)),
    ...Object.keys(mirrored),
  ]);
  for (const field of [...fields].sort()) {
    const inTable = tableLimits.find((l) => limitField(l.period, l.tenant ?? undefined) === field);
    const table = inTable ? `${inTable.limitUsd}${inTable.hardStop ? '' : ' (soft)'}` : null;
    const copy = mirrored[field];
    const redis = copy
      ? copy.limitUsd === undefined
        ? 'unreadable'
        : `${copy.limitUsd}${copy.hardStop ? '' : ' (soft)'}`
      : null;
    rows.push({ budget: field, table, redis, status: table === redis ? 'ok' : 'drift' });
  }
  let repaired = 0;
  if (repair && rows.some((r) => r.status === 'drift')) {
    await mirrorLimits(deps, tableLimits, true);
    for (const r of rows.filter((x) => x.status === 'drift')) {
      r.status = 'repaired';
      repaired += 1;
    }
  }
  return { rows, repaired };
}
