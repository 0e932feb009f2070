import type pg from 'pg';
import type { RedisClient } from '../redis/client.js';
import { invalidInput, rethrowSchemaMissing } from '../errors.js';
import { budgetKeys, limitField } from './keys.js';
import type { Period } from './periods.js';

export interface BudgetLimit {
  scope: 'global' | 'tenant';
  tenant: string | null;
  period: Period;
  limitUsd: number;
  /** refuse calls once reached (otherwise the budget only alerts) */
  hardStop: boolean;
  updatedAt?: string;
  updatedBy?: string | null;
}

export interface LimitDeps {
  pool: pg.Pool;
  redis: RedisClient;
  keyPrefix?: string;
}

/** The budgets in budget_limits (the source of truth); one tenant's plus the global ones when `tenant` is given. */
export async function loadLimits(pool: pg.Pool, tenant?: string): Promise<BudgetLimit[]> {
  const { rows } = await pool
    .query<{
      scope: 'global' | 'tenant';
      tenant_id: string | null;
      period: Period;
      limit_usd: string;
      hard_stop: boolean;
      updated_at: Date;
      updated_by: string | null;
    }>(
      `select scope, tenant_id, period, limit_usd, hard_stop, updated_at, updated_by
       from budget_limits
      where $1::text is null or scope = 'global' or tenant_id = $1
      order by scope, tenant_id nulls first, period`,
      [tenant ?? null],
    )
    .catch(rethrowSchemaMissing);
  return rows.map((r) => ({
    scope: r.scope,
    tenant: r.tenant_id,
    period: r.period,
    limitUsd: Number(r.limit_usd),
    hardStop: r.hard_stop,
    updatedAt: r.updated_at.toISOString(),
    updatedBy: r.updated_by,
  }));
}

/** Creates or changes one budget, in the table and in the Redis copy the controller reads per call. */
export async function setLimit(
  deps: LimitDeps,
  limit: { tenant?: string; period: Period; limitUsd: number; hardStop: boolean; actor: string },
): Promise<BudgetLimit> {
  if (!Number.isFinite(limit.limitUsd) || limit.limitUsd < 0.01 || limit.limitUsd >= 1e10) {
    throw invalidInput(`A budget must be at least $0.01 (and under $10,000,000,000); got ${limit.limitUsd}.`, {
      code: 'budget-bad-amount',
      facts: { limitUsd: limit.limitUsd, period: limit.period },
    });
  }
  const scope = limit.tenant ? 'tenant' : 'global';
  await deps.pool.query(
    `insert into budget_limits (scope, tenant_id, period, limit_usd, hard_stop, updated_by)
     values ($1, $2, $3, $4, $5, $6)
     on conflict (scope, coalesce(tenant_id, ''), period)
     do update set limit_usd = excluded.limit_usd, hard_stop = excluded.hard_stop, updated_by = excluded.updated_by`,
    [scope, limit.tenant ?? null, limit.period, limit.limitUsd, limit.hardStop, limit.actor],
  );
  // the whole table, not just this budget: a copy marked complete must be complete (Redis may have lost it)
  const all = await loadLimits(deps.pool);
  await mirrorLimits(deps, all, true);
  return all.find((l) => l.period === limit.period && l.tenant === (limit.tenant ?? null))!;
}

/** Copies budgets into the Redis hash the controller reads; `replaceAll` also drops fields no longer in the table. */
export async function mirrorLimits(
  deps: Omit<LimitDeps, 'pool'>,
  limits: BudgetLimit[],
  replaceAll = false,
): Promise<void> {
  const key = budgetKeys(deps.keyPrefix).limits;
  const multi = deps.redis.multi();
  if (replaceAll) multi.del(key);
  // present even with no budgets: the reservation script tells "no budgets" from "copy lost"
  multi.hset(key, MIRRORED_MARK, new Date().toISOString());
  for (const l of limits) {
    const mirrored: MirroredLimit = { limitUsd: l.limitUsd, hardStop: l.hardStop };
    multi.hset(key, limitField(l.period, l.tenant ?? undefined), JSON.stringify(mirrored));
  }
  await multi.exec();
}

/** The field that says the hash is a complete copy of budget_limits. */
export const MIRRORED_MARK = '_mirrored_at';

/** A budget as the controller reads it from the Redis copy, one hash field per budget. */
export interface MirroredLimit {
  limitUsd: number;
  hardStop: boolean;
}

/** A budget field as mirrored; limitUsd undefined when the field is not readable (the script then fails closed). */
export function parseMirroredLimit(json: string): MirroredLimit | { limitUsd: undefined; hardStop: true } {
  try {
    const parsed = JSON.parse(json) as Partial<MirroredLimit>;
    if (typeof parsed.limitUsd === 'number') return { limitUsd: parsed.limitUsd, hardStop: parsed.hardStop === true };
  } catch {
    // fall through: unreadable
  }
  return { limitUsd: undefined, hardStop: true };
}

export async function readMirroredLimits(
  redis: RedisClient,
  keyPrefix?: string,
): Promise<Record<string, ReturnType<typeof parseMirroredLimit>>> {
  const raw = await redis.hgetall(budgetKeys(keyPrefix).limits);
  return Object.fromEntries(
    Object.entries(raw)
      .filter(([field]) => field !== MIRRORED_MARK)
      .map(([field, json]) => [field, parseMirroredLimit(json)]),
  );
}
