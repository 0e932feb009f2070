import type { BudgetKeys } from './keys.js';
import { limitField } from './keys.js';
import { counterExpiry, dayWindow, monthWindow, type PeriodWindow } from './periods.js';
import { USER_TIERS, type UserTier } from './tiers.js';

/** One Redis counter a call counts against, with the limit the reservation script enforces on it. */
export interface CounterSpec {
  key: string;
  what: 'spend' | 'tokens' | 'calls';
  scope: 'global' | 'tenant' | 'user' | 'api';
  /** tenant, user or API name; null for the overall budget */
  subject: string | null;
  window: PeriodWindow;
  /** 'budget': the limits hash field (hard or soft as mirrored); 'fixed': a hard number; 'none' */
  limit: { kind: 'budget'; field: string } | { kind: 'fixed'; value: number } | { kind: 'none' };
  expireAt: number;
}

/** The counters one AI call touches: overall and tenant spend per day and month, the user's tokens. */
export function counterSpecs(
  keys: BudgetKeys,
  now: Date,
  who: { tenant?: string; user?: string; tier?: UserTier },
): CounterSpec[] {
  const windows = [dayWindow(now), monthWindow(now)];
  const specs: CounterSpec[] = [];
  for (const w of windows) {
    specs.push({
      key: keys.spend(w),
      what: 'spend',
      scope: 'global',
      subject: null,
      window: w,
      limit: { kind: 'budget', field: limitField(w.period) },
      expireAt: counterExpiry(w),
    });
  }
  if (who.tenant) {
    for (const w of windows) {
      specs.push({
        key: keys.spend(w, who.tenant),
        what: 'spend',
        scope: 'tenant',
        subject: who.tenant,
        window: w,
        limit: { kind: 'budget', field: limitField(w.period, who.tenant) },
        expireAt: counterExpiry(w),
      });
    }
  }
  if (who.user) {
    const month = windows[1]!;
    const allowance = USER_TIERS[who.tier ?? 'free'];
    specs.push({
      key: keys.userTokens(month, who.user),
      what: 'tokens',
      scope: 'user',
      subject: who.user,
      window: month,
      limit: Number.isFinite(allowance) ? { kind: 'fixed', value: allowance } : { kind: 'none' },
      expireAt: counterExpiry(month),
    });
  }
  return specs;
}

export function describeCounter(c: CounterSpec): string {
  if (c.what === 'tokens') return `user ${c.subject} monthly tokens`;
  if (c.what === 'calls') return `${c.subject} ${c.window.period} calls`;
  return `${c.subject ? `tenant ${c.subject} ` : 'global '}${c.window.period}`;
}

/** ARGV for the reservation script: amount, limit kind, limit, expiry per counter. */
export function reserveArgs(specs: CounterSpec[], amounts: number[]): string[] {
  return specs.flatMap((c, i) => [
    String(amounts[i] ?? 0),
    c.limit.kind,
    c.limit.kind === 'budget' ? c.limit.field : c.limit.kind === 'fixed' ? String(c.limit.value) : '',
    String(c.expireAt),
  ]);
}
