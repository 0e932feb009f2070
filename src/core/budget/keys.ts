import { DEFAULT_KEY_PREFIX } from '../breakers/keys.js';
import { hashTagged } from '../redis/keys.js';
import type { PeriodWindow } from './periods.js';

/**
 * Where budget state lives in Redis; the services' controller and the CLI derive the same keys.
 * Every key shares one hash tag: the reservation script touches the overall and tenant counters,
 * the user's tokens, the freezes and the reservations at once, so they must sit in one Cluster slot.
 */
export function budgetKeys(prefix = DEFAULT_KEY_PREFIX) {
  const p = hashTagged(prefix, 'budget');
  const period = (w: PeriodWindow) => `${w.period === 'daily' ? 'day' : 'month'}:${w.id}`;
  return {
    /** what every budget key starts with (SCAN by `${base}*`) */
    base: p,
    /** spend in whole micro-dollars (settled calls plus reservations in flight), overall or per tenant */
    spend: (w: PeriodWindow, tenant?: string) => `${p}spend:${period(w)}${tenant ? `:tenant:${tenant}` : ''}`,
    spendPattern: `${p}spend:*`,
    /** tenants that spent in the period */
    tenants: (w: PeriodWindow) => `${p}tenants:${period(w)}`,
    userTokens: (w: PeriodWindow, user: string) => `${p}tokens:${period(w)}:user:${user}`,
    calls: (api: string, w: PeriodWindow) => `${p}calls:${api}:${period(w)}`,
    frozen: (tenant?: string) => `${p}frozen${tenant ? `:tenant:${tenant}` : ''}`,
    frozenTenantPrefix: `${p}frozen:tenant:`,
    /** mirror of budget_limits, read by the reservation script on every call */
    limits: `${p}limits`,
    /** one threshold alert per budget and period */
    alerted: (w: PeriodWindow, scope: string) => `${p}alerted:${period(w)}:${scope}`,
    channel: `${p}events`,
    /** reservation id -> what it holds (counters and amounts, reserved or settled) */
    reservations: `${p}reservations`,
    /** reservation id scored by when it expires (reaped by every script) */
    reservationExpiry: `${p}reservations:expiry`,
    /** the last reservation id handed out (ids grow with time, across a Redis restart too) */
    sequence: `${p}sequence`,
  };
}

export type BudgetKeys = ReturnType<typeof budgetKeys>;

export function limitField(period: 'daily' | 'monthly', tenant?: string): string {
  return tenant ? `tenant:${tenant}:${period}` : `global:${period}`;
}

/** A spend counter's key read back: which period and tenant it counts (undefined: not a spend counter). */
export function parseSpendKey(
  keys: BudgetKeys,
  key: string,
): { kind: 'day' | 'month'; id: string; tenant: string | null } | undefined {
  if (!key.startsWith(`${keys.base}spend:`)) return undefined;
  const match = /^(day|month):(\d{4}-\d{2}(?:-\d{2})?)(?::tenant:(.+))?$/.exec(
    key.slice(keys.base.length + 'spend:'.length),
  );
  if (!match) return undefined;
  const kind = match[1] as 'day' | 'month';
  if ((kind === 'day') !== (match[2]!.length === 10)) return undefined;
  return { kind, id: match[2]!, tenant: match[3] ?? null };
}
