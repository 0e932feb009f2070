import type { RedisClient } from '../redis/client.js';
import { budgetKeys } from './keys.js';
import { scanKeys } from '../redis/client.js';

export interface FreezeRecord {
  tenant: string | null;
  actor: string;
  reason: string;
  at: string;
}

export interface FreezeDeps {
  redis: RedisClient;
  keyPrefix?: string;
  now?: Date;
  /** accepted so the deps of getBudgetStatus can be passed as they are; not used */
  pool?: unknown;
  tenant?: string;
}

/**
 * The kill switch: every controller checks it on every call (in the same round trip as the
 * counters), so a freeze is obeyed by the very next call in every pod.
 */
export async function freezeBudget(
  deps: FreezeDeps,
  opts: { tenant?: string; actor: string; reason?: string },
): Promise<FreezeRecord> {
  const keys = budgetKeys(deps.keyPrefix);
  const record: FreezeRecord = {
    tenant: opts.tenant ?? null,
    actor: opts.actor,
    reason: opts.reason ?? 'frozen by an operator',
    at: (deps.now ?? new Date()).toISOString(),
  };
  await deps.redis
    .multi()
    .set(keys.frozen(opts.tenant), JSON.stringify(record))
    .publish(keys.channel, JSON.stringify({ event: 'frozen', ...record }))
    .exec();
  return record;
}

/** Lifts a freeze; returns the freeze that was lifted, or undefined when there was none. */
export async function unfreezeBudget(
  deps: FreezeDeps,
  opts: { tenant?: string; actor: string; reason?: string },
): Promise<FreezeRecord | undefined> {
  const keys = budgetKeys(deps.keyPrefix);
  const [[, previous]] = (await deps.redis
    .multi()
    .get(keys.frozen(opts.tenant))
    .del(keys.frozen(opts.tenant))
    .publish(
      keys.channel,
      JSON.stringify({
        event: 'unfrozen',
        tenant: opts.tenant ?? null,
        actor: opts.actor,
        at: (deps.now ?? new Date()).toISOString(),
      }),
    )
    .exec()) as [[Error | null, string | null], ...unknown[]];
  return previous ? (JSON.parse(previous) as FreezeRecord) : undefined;
}

/** The freezes that apply: the global one and, when asked, the tenant's. */
export async function readFreezes(deps: FreezeDeps, tenant?: string): Promise<FreezeRecord[]> {
  const keys = budgetKeys(deps.keyPrefix);
  const values = await deps.redis.mget(keys.frozen(), ...(tenant ? [keys.frozen(tenant)] : []));
  return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as FreezeRecord);
}

/** Every tenant freeze in place (for `budget status` without --tenant). */
export async function listTenantFreezes(deps: FreezeDeps): Promise<FreezeRecord[]> {
  const keys = budgetKeys(deps.keyPrefix);
  const pattern = `${keys.frozenTenantPrefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  const found = await scanKeys(deps.redis, pattern);
  if (found.length === 0) return [];
  const values = await deps.redis.mget(found);
  return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as FreezeRecord);
}
