import { DEFAULT_KEY_PREFIX } from '../breakers/keys.js';
import type { PeriodWindow } from './periods.js';

/** Where budget state lives in Redis; the services' controller and the CLI derive the same keys. */
export function budgetKeys(prefix = DEFAULT_KEY_PREFIX) {
  const p = `${prefix}budget:`;
  const period = (w: PeriodWindow) => `${w.period === 'daily' ? 'day' : 'month'}:${w.id}`;
  return {
    /** spend in whole micro-dollars, overall or for one tenant */
    spend: (w: PeriodWindow, tenant?: string) => `${p}spend:${period(w)}${tenant ? `:tenant:${tenant}` : ''}`,
    /** tenants that spent in the period (so reconcile finds counters the ledger does not know) */
    tenants: (w: PeriodWindow) => `${p}tenants:${period(w)}`,
    userTokens: (w: PeriodWindow, user: string) => `${p}tokens:${period(w)}:user:${user}`,
    calls: (api: string, w: PeriodWindow) => `${p}calls:${api}:${period(w)}`,
    frozen: (tenant?: string) => `${p}frozen${tenant ? `:tenant:${tenant}` : ''}`,
    frozenTenantPrefix: `${p}frozen:tenant:`,
    /** mirror of budget_limits, read by the controller on every call */
    limits: `${p}limits`,
    /** one threshold alert per budget and period */
    alerted: (w: PeriodWindow, scope: string) => `${p}alerted:${period(w)}:${scope}`,
    channel: `${p}events`,
  };
}

export type BudgetKeys = ReturnType<typeof budgetKeys>;

export function limitField(period: 'daily' | 'monthly', tenant?: string): string {
  return tenant ? `tenant:${tenant}:${period}` : `global:${period}`;
}
