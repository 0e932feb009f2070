import type pg from 'pg';
import type { ChainableCommander, Redis } from 'ioredis';
import { BreakerStore } from '../breakers/store.js';
import { runScript } from '../redis/script.js';
import { budgetKeys, limitField, type BudgetKeys } from './keys.js';
import { parseMirroredLimit } from './limits.js';
import { counterExpiry, dayWindow, monthWindow, type Period, type PeriodWindow } from './periods.js';
import { costOf, type Cost, type TokenUsage } from './pricing.js';
import { CALL_CAPS, USER_TIERS, type CappedApi, type UserTier } from './tiers.js';
import type { FreezeRecord } from './freeze.js';

export const THRESHOLDS = [50, 75, 90, 100] as const;

export type RefusalReason = 'frozen' | 'budget_exceeded' | 'token_quota_exceeded' | 'call_cap_exceeded';

/** The call was refused before it was made; `reason` says which rule, the message says what to do. */
export class BudgetRefusedError extends Error {
  constructor(
    readonly reason: RefusalReason,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'BudgetRefusedError';
  }
}

export interface UsageRequest {
  provider: string;
  model: string;
  operation: string;
  tenant?: string;
  user?: string;
  /** the user's plan; its monthly token allowance is enforced when `user` is given */
  tier?: UserTier;
  /** expected tokens, so a call that would cross a hard budget is refused before it is made */
  estimatedInputTokens?: number;
  estimatedOutputTokens?: number;
}

export interface UsageRecord extends TokenUsage {
  provider: string;
  model: string;
  operation: string;
  tenant?: string;
  user?: string;
  correlationId?: string;
  latencyMs?: number;
  success?: boolean;
}

export interface ThresholdEvent {
  scope: 'global' | 'tenant';
  tenant: string | null;
  period: Period;
  periodId: string;
  /** 50, 75, 90 or 100 (the budget is used up) */
  threshold: number;
  spentUsd: number;
  limitUsd: number;
}

export interface RecordResult {
  cost: Cost;
  /** thresholds this call crossed (each is reported once per budget and period, across all pods) */
  crossed: ThresholdEvent[];
}

export interface BudgetControllerOptions {
  redis: Redis;
  pool: pg.Pool;
  keyPrefix?: string;
  /** where the AI breaker is forced open when a hard global budget is hit (default: a store on `redis`) */
  breakers?: BreakerStore;
  /** the breakers forced open when a hard global budget is used up */
  aiBreakers?: string[];
  now?: () => Date;
  onThreshold?: (event: ThresholdEvent) => void;
}

interface Applicable {
  scope: 'global' | 'tenant';
  tenant: string | null;
  window: PeriodWindow;
  spendKey: string;
  field: string;
}

/**
 * What the services call around every paid AI call: `authorize` before (refuses when frozen, over a
 * hard budget or over the user's token allowance), `record` after (Redis counters and the
 * llm_usage_logs ledger). `guard` does both.
 */
export class BudgetController {
  private readonly keys: BudgetKeys;
  private readonly breakers: BreakerStore;
  private readonly now: () => Date;

  constructor(private readonly options: BudgetControllerOptions) {
    this.keys = budgetKeys(options.keyPrefix);
    this.breakers = options.breakers ?? new BreakerStore(options.redis, { keyPrefix: options.keyPrefix });
    this.now = options.now ?? (() => new Date());
  }

  private applicable(now: Date, tenant?: string): Applicable[] {
    const windows = [dayWindow(now), monthWindow(now)];
    const out: Applicable[] = windows.map((w) => ({ scope: 'global', tenant: null, window: w, spendKey: this.keys.spend(w), field: limitField(w.period) }));
    if (tenant) for (const w of windows) out.push({ scope: 'tenant', tenant, window: w, spendKey: this.keys.spend(w, tenant), field: limitField(w.period, tenant) });
    return out;
  }

  /** One round trip: freezes, budgets, spend so far and the user's tokens. Throws BudgetRefusedError. */
  async authorize(request: UsageRequest): Promise<void> {
    const now = this.now();
    const month = monthWindow(now);
    const budgets = this.applicable(now, request.tenant);
    // without a tenant both GETs read the global freeze, so "global ?? tenant" needs no tenant test
    const pipeline = this.options.redis.pipeline().get(this.keys.frozen()).get(this.keys.frozen(request.tenant)).hgetall(this.keys.limits);
    for (const b of budgets) pipeline.get(b.spendKey);
    if (request.user) pipeline.get(this.keys.userTokens(month, request.user));
    const replies = await execOrThrow(pipeline);
    const [globalFreeze, tenantFreeze, limits] = replies as [string | null, string | null, Record<string, string>];
    const freeze = globalFreeze ?? tenantFreeze;
    if (freeze) {
      const record = JSON.parse(freeze) as FreezeRecord;
      throw new BudgetRefusedError('frozen', `AI spend is frozen${record.tenant ? ` for tenant ${record.tenant}` : ''} by ${record.actor}: ${record.reason}.`, { freeze: record });
    }

    const estimate = costOf(request.provider, request.model, { inputTokens: request.estimatedInputTokens ?? 0, outputTokens: request.estimatedOutputTokens ?? 0 });
    for (const [i, b] of budgets.entries()) {
      const raw = limits[b.field];
      if (!raw) continue;
      const limit = parseMirroredLimit(raw);
      if (!limit.hardStop) continue;
      const spentMicro = Number(replies[3 + i] ?? 0);
      const limitMicro = Math.round(limit.limitUsd * 1e6);
      if (spentMicro >= limitMicro || spentMicro + estimate.microUsd > limitMicro) {
        if (b.scope === 'global') await this.tripBreakers(b, limit.limitUsd, spentMicro);
        throw new BudgetRefusedError(
          'budget_exceeded',
          `The ${describe(b)} budget of $${limit.limitUsd.toFixed(2)} is ${spentMicro >= limitMicro ? 'used up' : 'too close for this call'} ($${(spentMicro / 1e6).toFixed(2)} spent).`,
          { scope: b.scope, tenant: b.tenant, period: b.window.period, limitUsd: limit.limitUsd, spentUsd: spentMicro / 1e6 },
        );
      }
    }

    if (request.user) {
      const allowance = USER_TIERS[request.tier ?? 'free'];
      const used = Number(replies[3 + budgets.length] ?? 0);
      const wanted = (request.estimatedInputTokens ?? 0) + (request.estimatedOutputTokens ?? 0);
      if (used >= allowance || used + wanted > allowance) {
        throw new BudgetRefusedError('token_quota_exceeded', `User ${request.user} has used ${used} of the ${allowance} tokens of the ${request.tier ?? 'free'} tier this month.`, { user: request.user, tier: request.tier ?? 'free', used, allowance });
      }
    }
  }

  /** Adds one call to the counters (atomically, expiring with their period) and to llm_usage_logs. */
  async record(usage: UsageRecord): Promise<RecordResult> {
    const now = this.now();
    const cost = costOf(usage.provider, usage.model, usage);
    const budgets = this.applicable(now, usage.tenant);
    const multi = this.options.redis.multi();
    for (const b of budgets) multi.incrby(b.spendKey, cost.microUsd).pexpireat(b.spendKey, counterExpiry(b.window));
    if (usage.tenant) {
      for (const w of [dayWindow(now), monthWindow(now)]) multi.sadd(this.keys.tenants(w), usage.tenant).pexpireat(this.keys.tenants(w), counterExpiry(w));
    }
    if (usage.user) {
      const month = monthWindow(now);
      const key = this.keys.userTokens(month, usage.user);
      multi.incrby(key, usage.inputTokens + usage.outputTokens).pexpireat(key, counterExpiry(month));
    }
    multi.hgetall(this.keys.limits);
    const replies = await execOrThrow(multi);
    const limits = replies[replies.length - 1] as Record<string, string>;

    await this.options.pool.query(
      `insert into llm_usage_logs (provider, model, operation, tenant_id, user_id, input_tokens, output_tokens, cached_tokens, cost_usd, correlation_id, latency_ms, success, occurred_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [usage.provider, usage.model, usage.operation, usage.tenant ?? null, usage.user ?? null, usage.inputTokens, usage.outputTokens, usage.cachedTokens ?? 0,
        (cost.microUsd / 1e6).toFixed(6), usage.correlationId ?? null, usage.latencyMs ?? null, usage.success ?? true, now],
    );

    const crossed: ThresholdEvent[] = [];
    for (const [i, b] of budgets.entries()) {
      const raw = limits[b.field];
      if (!raw) continue;
      const limit = parseMirroredLimit(raw);
      const after = Number(replies[i * 2]);
      const before = after - cost.microUsd;
      const limitMicro = limit.limitUsd * 1e6;
      for (const threshold of THRESHOLDS) {
        const mark = (limitMicro * threshold) / 100;
        if (before >= mark || after < mark) continue;
        // One alert per budget, period and threshold, however many pods cross it at once.
        const alertKey = this.keys.alerted(b.window, b.field);
        const first = await this.options.redis.multi().hsetnx(alertKey, String(threshold), now.toISOString()).pexpireat(alertKey, counterExpiry(b.window)).exec();
        if (first?.[0]?.[1] !== 1) continue;
        const event: ThresholdEvent = { scope: b.scope, tenant: b.tenant, period: b.window.period, periodId: b.window.id, threshold, spentUsd: after / 1e6, limitUsd: limit.limitUsd };
        crossed.push(event);
        this.options.onThreshold?.(event);
        if (threshold === 100 && limit.hardStop && b.scope === 'global') await this.tripBreakers(b, limit.limitUsd, after);
      }
    }
    return { cost, crossed };
  }

  /** authorize → call → record; a failed call is recorded too (success false, the usage it reported or none). */
  async guard<T>(request: UsageRequest & { correlationId?: string }, call: () => Promise<{ value: T; usage: TokenUsage }>): Promise<T> {
    await this.authorize(request);
    const started = Date.now();
    const base = { provider: request.provider, model: request.model, operation: request.operation, tenant: request.tenant, user: request.user, correlationId: request.correlationId };
    let outcome: { value: T; usage: TokenUsage };
    try {
      outcome = await call();
    } catch (error) {
      await this.record({ ...base, inputTokens: 0, outputTokens: 0, latencyMs: Date.now() - started, success: false });
      throw error;
    }
    await this.record({ ...base, ...outcome.usage, latencyMs: Date.now() - started, success: true });
    return outcome.value;
  }

  /** Takes one call from a paid API's daily and monthly cap, atomically; refuses once either is used up. */
  async acquireCall(api: CappedApi = 'google_places'): Promise<{ today: number; month: number }> {
    const now = this.now();
    const cap = CALL_CAPS[api];
    const day = dayWindow(now);
    const month = monthWindow(now);
    const [allowed, today, thisMonth] = (await runScript(
      this.options.redis, CALL_CAP_SCRIPT, [this.keys.calls(api, day), this.keys.calls(api, month)], [cap.daily, cap.monthly, counterExpiry(day), counterExpiry(month)],
    )) as [number, number, number];
    if (!allowed) {
      const which = today >= cap.daily ? `daily cap of ${cap.daily}` : `monthly cap of ${cap.monthly}`;
      throw new BudgetRefusedError('call_cap_exceeded', `${api} has reached its ${which} calls (${today} today, ${thisMonth} this month).`, { api, today, month: thisMonth });
    }
    return { today, month: thisMonth };
  }

  private async tripBreakers(b: Applicable, limitUsd: number, spentMicro: number): Promise<void> {
    const reason = `budget: ${describe(b)} budget of $${limitUsd.toFixed(2)} reached ($${(spentMicro / 1e6).toFixed(2)} spent)`;
    const forMs = b.window.end.getTime() - this.now().getTime();
    for (const name of this.options.aiBreakers ?? ['openai']) {
      const current = await this.breakers.get(name);
      if (current?.forced?.reason === reason) continue;
      await this.breakers.forceOpen(name, { forMs: Math.max(forMs, 1_000), reason, actor: 'budget-controller' });
    }
  }
}

/** The replies of a pipeline or MULTI in order; the first command that failed throws. */
async function execOrThrow(batch: ChainableCommander): Promise<unknown[]> {
  return (await batch.exec())!.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

function describe(b: Applicable): string {
  return `${b.tenant ? `tenant ${b.tenant} ` : 'global '}${b.window.period}`;
}

const CALL_CAP_SCRIPT = `
local day = tonumber(redis.call('GET', KEYS[1]) or '0')
local month = tonumber(redis.call('GET', KEYS[2]) or '0')
if day >= tonumber(ARGV[1]) or month >= tonumber(ARGV[2]) then return {0, day, month} end
day = redis.call('INCR', KEYS[1])
month = redis.call('INCR', KEYS[2])
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
redis.call('PEXPIREAT', KEYS[2], ARGV[4])
return {1, day, month}
`;

export function createBudgetController(options: BudgetControllerOptions): BudgetController {
  return new BudgetController(options);
}
