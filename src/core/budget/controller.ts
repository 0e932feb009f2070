import type pg from 'pg';
import { BreakerStore } from '../breakers/store.js';
import { isDomainError } from '../errors.js';
import type { RedisClient } from '../redis/client.js';
import { runScript } from '../redis/script.js';
import { counterSpecs, describeCounter, reserveArgs, type CounterSpec } from './counters.js';
import { budgetKeys, type BudgetKeys } from './keys.js';
import { loadLimits, mirrorLimits, parseMirroredLimit } from './limits.js';
import { counterExpiry, dayWindow, monthWindow, type Period } from './periods.js';
import { foldBudgetLedger } from './fold.js';
import { costOf, type Cost, type TokenUsage } from './pricing.js';
import { RESERVE_SCRIPT, SETTLE_SCRIPT } from './scripts.js';
import { CALL_CAPS, USER_TIERS, type CappedApi, type UserTier } from './tiers.js';
import type { FreezeRecord } from './freeze.js';

export const THRESHOLDS = [50, 75, 90, 100] as const;

export type RefusalReason =
  | 'frozen'
  | 'budget_exceeded'
  | 'token_quota_exceeded'
  | 'call_cap_exceeded'
  /** a counter or the budget copy in Redis is not readable: a hard budget cannot be checked */
  | 'counter_unreadable'
  /** Redis could not be reached and a hard budget applies (the outage policy fails closed) */
  | 'budget_unavailable'
  | 'unknown_model';

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
  /** expected tokens: what is reserved against every budget before the call (default: defaultEstimate) */
  estimatedInputTokens?: number;
  estimatedOutputTokens?: number;
}

export interface UsageRecord extends TokenUsage {
  provider: string;
  model: string;
  operation: string;
  tenant?: string;
  user?: string;
  tier?: UserTier;
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
  /** the ledger row was written; the counters were updated too unless `counted` is false */
  counted: boolean;
}

/** What is held for one call between reserve and settle/release. */
export interface Reservation {
  /** Redis-issued id (also the ledger row's budget_seq); null when taken without Redis (outage policy) */
  id: string | null;
  request: UsageRequest;
  estimate: Cost;
  counters: CounterSpec[];
}

/**
 * What a controller does when Redis cannot be reached: `fail-closed-hard` (default) refuses a call
 * that a hard budget, a token tier or a call cap governs (budgets read from budget_limits) and lets
 * the rest through; `fail-closed` refuses every call; `fail-open` lets every call through. Calls let
 * through are still written to the ledger, and reconcile brings the counters up to it later.
 */
export type OutagePolicy = 'fail-closed-hard' | 'fail-closed' | 'fail-open';

export interface BudgetControllerOptions {
  redis: RedisClient;
  pool: pg.Pool;
  keyPrefix?: string;
  /** where the AI breaker is forced open when a hard global budget is hit (default: a store on `redis`) */
  breakers?: BreakerStore;
  /** the breakers forced open when a hard global budget is used up */
  aiBreakers?: string[];
  now?: () => Date;
  onThreshold?: (event: ThresholdEvent) => void;
  /** warnings that must not fail the call: a fallback price used, a counter skipped, a counter update lost */
  onError?: (error: unknown) => void;
  /** reserved when a request gives no estimate (default 1,000 input + 500 output tokens) */
  defaultEstimate?: { inputTokens: number; outputTokens: number };
  /** a listed model to price models missing from the table as (each use is warned); default: refuse */
  unknownModelFallback?: string;
  /** how long a reservation holds if its caller never settles it (default 10 minutes) */
  reservationTtlMs?: number;
  /** how long a Redis step may take before the outage policy applies (default 500 ms) */
  redisTimeoutMs?: number;
  whenRedisDown?: OutagePolicy;
  /** call caps of paid APIs (default CALL_CAPS) */
  callCaps?: Partial<Record<CappedApi, { daily: number; monthly: number }>>;
  /**
   * How often this controller folds the ledger's new rows into the roll-up budget status reads, in
   * the background after a ledger write (default 10 s; 0: never, another process folds). Any pod may
   * fold; one that finds a fold running skips it. The longer, the more rows status adds itself.
   */
  foldEveryMs?: number;
}

const ACK_WAIT_MS = 10 * 60_000;

/**
 * What the services call around every paid AI call: `reserve` before (one atomic script checks
 * freezes and every hard budget and takes the estimate from each counter), `settle` after (the real
 * cost replaces the estimate; the llm_usage_logs row is always written), `release` when the call
 * was not made. `guard` does all of it. Under any number of concurrent callers, spend passes a hard
 * budget by at most one call's estimate error.
 */
export class BudgetController {
  private readonly keys: BudgetKeys;
  private readonly breakers: BreakerStore;
  private readonly now: () => Date;
  private readonly timeoutMs: number;
  private lastFoldAt = 0;
  private folding = false;

  constructor(private readonly options: BudgetControllerOptions) {
    this.keys = budgetKeys(options.keyPrefix);
    this.breakers = options.breakers ?? new BreakerStore(options.redis, { keyPrefix: options.keyPrefix });
    this.now = options.now ?? (() => new Date());
    this.timeoutMs = options.redisTimeoutMs ?? 500;
  }

  private cost(provider: string, model: string, usage: TokenUsage): Cost {
    let cost: Cost;
    try {
      cost = costOf(provider, model, usage, this.options.unknownModelFallback);
    } catch (error) {
      if (isDomainError(error) && error.code === 'budget-unknown-model') {
        throw new BudgetRefusedError('unknown_model', error.message, error.facts);
      }
      throw error;
    }
    if (!cost.listed) {
      this.report(
        new Error(
          `budget: model "${model}" is not in the price table; ` +
            `priced as ${cost.price.model} (the configured fallback).`,
        ),
      );
    }
    return cost;
  }

  private report(error: unknown): void {
    this.options.onError?.(error);
  }

  private async redisStep<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`budget: Redis did not answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private fixedKeys(tenant?: string): string[] {
    const k = this.keys;
    return [k.limits, k.frozen(), k.frozen(tenant), k.reservations, k.reservationExpiry, k.sequence];
  }

  /**
   * Takes the call's estimated cost from every counter it touches, atomically, or refuses it
   * (BudgetRefusedError) when frozen, over a hard budget, over the user's tokens, or unreadable.
   */
  async reserve(request: UsageRequest): Promise<Reservation> {
    const now = this.now();
    const fallback = this.options.defaultEstimate ?? { inputTokens: 1_000, outputTokens: 500 };
    const hasEstimate = request.estimatedInputTokens !== undefined || request.estimatedOutputTokens !== undefined;
    const tokens = hasEstimate
      ? { inputTokens: request.estimatedInputTokens ?? 0, outputTokens: request.estimatedOutputTokens ?? 0 }
      : fallback;
    const estimate = this.cost(request.provider, request.model, tokens);
    const counters = counterSpecs(this.keys, now, request);
    const amounts = counters.map((c) =>
      c.what === 'tokens' ? tokens.inputTokens + tokens.outputTokens : estimate.microUsd,
    );
    const run = async () =>
      (await this.redisStep(
        runScript(
          this.options.redis,
          RESERVE_SCRIPT,
          [...this.fixedKeys(request.tenant), ...counters.map((c) => c.key)],
          [this.options.reservationTtlMs ?? 10 * 60_000, counters.length, ...reserveArgs(counters, amounts)],
        ),
      )) as [string, ...unknown[]];
    let reply: [string, ...unknown[]];
    try {
      reply = await run();
      if (reply[0] === 'nolimits') {
        // Redis lost its copy of the budgets (restarted or flushed): copy them again from the table
        await this.redisStep(
          loadLimits(this.options.pool).then((limits) =>
            mirrorLimits({ redis: this.options.redis, keyPrefix: this.options.keyPrefix }, limits, true),
          ),
        );
        reply = await run();
      }
    } catch (error) {
      await this.whenUnreachable(request, error);
      return { id: null, request, estimate, counters };
    }
    const [status, a, b, c] = reply;
    if (status === 'ok') {
      this.reportSkipped(counters, String(c));
      return { id: String(a), request, estimate, counters };
    }
    if (status === 'nolimits') {
      throw new BudgetRefusedError(
        'counter_unreadable',
        'The budget copy in Redis is missing and could not be restored; calls are refused until it is.',
        {},
      );
    }
    throw await this.refusal(status, counters, a, b, c);
  }

  private async refusal(
    status: string,
    counters: CounterSpec[],
    a: unknown,
    b: unknown,
    c: unknown,
  ): Promise<BudgetRefusedError> {
    if (status === 'frozen') {
      const record = JSON.parse(String(a)) as FreezeRecord;
      return new BudgetRefusedError(
        'frozen',
        `AI spend is frozen${record.tenant ? ` for tenant ${record.tenant}` : ''} ` +
          `by ${record.actor}: ${record.reason}.`,
        { freeze: record },
      );
    }
    const counter = counters[Number(a) - 1]!;
    if (status === 'unreadable') {
      return new BudgetRefusedError(
        'counter_unreadable',
        `The ${describeCounter(counter)} budget cannot be checked: ${String(b)}. ` +
          'Calls under it are refused until reconcile repairs it.',
        { counter: counter.key, problem: String(b) },
      );
    }
    const current = Number(b);
    const limit = Number(c);
    if (counter.what === 'tokens') {
      const tier = counter.limit.kind === 'fixed' ? counter.limit.value : 0;
      return new BudgetRefusedError(
        'token_quota_exceeded',
        `User ${counter.subject} has used ${current} of the ${tier} tokens of their tier this month.`,
        {
          user: counter.subject,
          used: current,
          allowance: limit,
        },
      );
    }
    if (counter.scope === 'global')
      await this.tripBreakers(counter, limit / 1e6, current).catch((error: unknown) => this.report(error));
    return new BudgetRefusedError(
      'budget_exceeded',
      `The ${describeCounter(counter)} budget of $${(limit / 1e6).toFixed(2)} is ` +
        `${current >= limit ? 'used up' : 'too close for this call'} ` +
        `($${(current / 1e6).toFixed(2)} spent or reserved).`,
      {
        scope: counter.scope,
        tenant: counter.subject,
        period: counter.window.period,
        limitUsd: limit / 1e6,
        spentUsd: current / 1e6,
      },
    );
  }

  /** The outage policy: refuse (fail closed) or let the call through without counters. */
  private async whenUnreachable(request: UsageRequest, error: unknown): Promise<void> {
    this.report(error);
    const policy = this.options.whenRedisDown ?? 'fail-closed-hard';
    if (policy === 'fail-open') return;
    const message = (why: string) =>
      `Budgets cannot be checked (Redis: ${(error as Error).message}) and ${why}; the call is refused.`;
    if (policy === 'fail-closed')
      throw new BudgetRefusedError('budget_unavailable', message('the policy refuses every call then'), { policy });
    if (request.user && Number.isFinite(USER_TIERS[request.tier ?? 'free'])) {
      throw new BudgetRefusedError('budget_unavailable', message(`user ${request.user} has a token allowance`), {
        policy,
      });
    }
    let hard: string[];
    try {
      hard = (await loadLimits(this.options.pool, request.tenant))
        .filter((l) => l.hardStop && (l.scope === 'global' || l.tenant === (request.tenant ?? null)))
        .map((l) => `${l.tenant ? `tenant ${l.tenant}` : 'global'} ${l.period}`);
    } catch (dbError) {
      this.report(dbError);
      throw new BudgetRefusedError(
        'budget_unavailable',
        message('the budgets could not be read from the database either'),
        { policy },
      );
    }
    if (hard.length)
      throw new BudgetRefusedError('budget_unavailable', message(`hard budgets apply (${hard.join(', ')})`), {
        policy,
        hard,
      });
  }

  private reportSkipped(counters: CounterSpec[], skippedJson: string): void {
    const skipped = JSON.parse(skippedJson) as number[] | Record<string, never>;
    if (!Array.isArray(skipped)) return;
    for (const i of skipped) {
      this.report(
        new Error(
          `budget: counter ${counters[i - 1]!.key} is not a number; ` +
            'this call was not counted on it (reconcile repairs it).',
        ),
      );
    }
  }

  /**
   * Replaces the reservation by the real cost and writes the ledger row. The row is written even
   * when the counters cannot be updated (counted: false; reconcile restores them from the ledger).
   */
  async settle(
    reservation: Reservation,
    usage: TokenUsage & { latencyMs?: number; success?: boolean; correlationId?: string },
  ): Promise<RecordResult> {
    const r = reservation.request;
    const record: UsageRecord = {
      ...usage,
      provider: r.provider,
      model: r.model,
      operation: r.operation,
      tenant: r.tenant,
      user: r.user,
    };
    return this.count(record, reservation, 'settle');
  }

  /** Gives the reservation back (the call was not made); with `usage`, a failed call is also written to the ledger. */
  async release(reservation: Reservation, failed?: { latencyMs?: number; correlationId?: string }): Promise<void> {
    if (failed) {
      await this.settle(reservation, { inputTokens: 0, outputTokens: 0, success: false, ...failed });
      return;
    }
    if (reservation.id === null) return;
    try {
      await this.redisStep(this.settleScript('release', reservation.id, reservation.request.tenant, [], []));
    } catch (error) {
      // the reservation expires by itself
      this.report(error);
    }
  }

  /** Counts a call that was not reserved (counters and ledger), e.g. usage reported afterwards. */
  async record(usage: UsageRecord): Promise<RecordResult> {
    return this.count(usage, undefined, 'record');
  }

  private settleScript(
    mode: 'settle' | 'record' | 'release' | 'ack' | 'issue',
    id: string,
    tenant: string | undefined,
    counters: CounterSpec[],
    amounts: number[],
  ): Promise<unknown> {
    return runScript(
      this.options.redis,
      SETTLE_SCRIPT,
      [...this.fixedKeys(tenant), ...counters.map((c) => c.key)],
      [
        mode,
        id,
        ACK_WAIT_MS,
        counters.length,
        ...counters.flatMap((c, i) => [String(amounts[i] ?? 0), String(c.expireAt)]),
      ],
    );
  }

  private async count(
    usage: UsageRecord,
    reservation: Reservation | undefined,
    mode: 'settle' | 'record',
  ): Promise<RecordResult> {
    const now = this.now();
    const cost = this.cost(usage.provider, usage.model, usage);
    const counters = reservation?.counters ?? counterSpecs(this.keys, now, usage);
    const amounts = counters.map((c) => (c.what === 'tokens' ? usage.inputTokens + usage.outputTokens : cost.microUsd));
    let id: string | null = reservation?.id ?? null;
    let values: number[] | undefined;
    const degraded = reservation !== undefined && reservation.id === null;
    if (!degraded) {
      try {
        // the id first: if the settle's reply is lost (timeout) after it ran, the ledger row still names it
        if (id === null)
          id = ((await this.redisStep(this.settleScript('issue', '', usage.tenant, [], []))) as string[])[1]!;
        const [, replyId, valuesJson, skipped] = (await this.redisStep(
          this.settleScript(mode, id ?? '', usage.tenant, counters, amounts),
        )) as string[];
        id = replyId!;
        values = JSON.parse(valuesJson!) as number[];
        this.reportSkipped(counters, skipped!);
      } catch (error) {
        this.report(error);
      }
    }

    await this.options.pool.query(
      `insert into llm_usage_logs (provider, model, operation, tenant_id, user_id, input_tokens, output_tokens,
                                   cached_tokens, cost_usd,
                                   correlation_id, latency_ms, success, occurred_at, budget_seq)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        usage.provider,
        usage.model,
        usage.operation,
        usage.tenant ?? null,
        usage.user ?? null,
        usage.inputTokens,
        usage.outputTokens,
        usage.cachedTokens ?? 0,
        (cost.microUsd / 1e6).toFixed(6),
        usage.correlationId ?? null,
        usage.latencyMs ?? null,
        usage.success ?? true,
        now,
        id,
      ],
    );
    this.foldNow();
    if (values && id) {
      // the ledger has the row: the settled record is no longer needed (it expires by itself otherwise)
      await this.redisStep(this.settleScript('ack', id, usage.tenant, [], [])).catch((error: unknown) =>
        this.report(error),
      );
    }
    const crossed = values
      ? await this.checkThresholds(counters, amounts, values).catch((error: unknown) => (this.report(error), []))
      : [];
    return { cost, crossed, counted: values !== undefined };
  }

  /**
   * Inserts do no roll-up work (that cost 1.3 ms per insert as triggers): every foldEveryMs a
   * controller folds what was written since, off the call's path; a failure only delays the fold.
   */
  private foldNow(): void {
    const every = this.options.foldEveryMs ?? 10_000;
    if (every <= 0 || this.folding || Date.now() - this.lastFoldAt < every) return;
    this.folding = true;
    this.lastFoldAt = Date.now();
    foldBudgetLedger(this.options.pool, { wait: false })
      .catch((error: unknown) => this.report(error))
      .finally(() => {
        this.folding = false;
      });
  }

  /**
   * Reports each threshold a counter crossed (once per budget and period across all pods); trips the AI
   * breaker at 100 %.
   */
  private async checkThresholds(
    counters: CounterSpec[],
    amounts: number[],
    values: number[],
  ): Promise<ThresholdEvent[]> {
    const budgets = counters
      .map((c, i) => ({ c, i }))
      .filter(({ c, i }) => c.limit.kind === 'budget' && values[i]! >= 0 && amounts[i]! > 0);
    if (budgets.length === 0) return [];
    const fields = budgets.map(({ c }) => (c.limit.kind === 'budget' ? c.limit.field : ''));
    const raw = await this.redisStep(this.options.redis.hmget(this.keys.limits, ...fields));
    const crossed: ThresholdEvent[] = [];
    for (const [j, { c, i }] of budgets.entries()) {
      const json = raw[j];
      if (!json) continue;
      const limit = parseMirroredLimit(json);
      if (limit.limitUsd === undefined) continue;
      const after = values[i]!;
      const before = after - amounts[i]!;
      const limitMicro = limit.limitUsd * 1e6;
      for (const threshold of THRESHOLDS) {
        const mark = (limitMicro * threshold) / 100;
        if (before >= mark || after < mark) continue;
        const alertKey = this.keys.alerted(c.window, fields[j]!);
        const first = await this.options.redis
          .multi()
          .hsetnx(alertKey, String(threshold), this.now().toISOString())
          .pexpireat(alertKey, c.expireAt)
          .exec();
        if (first?.[0]?.[1] !== 1) continue;
        const event: ThresholdEvent = {
          scope: c.scope === 'tenant' ? 'tenant' : 'global',
          tenant: c.subject,
          period: c.window.period,
          periodId: c.window.id,
          threshold,
          spentUsd: after / 1e6,
          limitUsd: limit.limitUsd,
        };
        crossed.push(event);
        this.options.onThreshold?.(event);
        if (threshold === 100 && limit.hardStop && c.scope === 'global')
          await this.tripBreakers(c, limit.limitUsd, after);
      }
    }
    return crossed;
  }

  /**
   * Checks without holding anything: reserves the estimate and gives it back at once. Prefer guard or
   * reserve/settle.
   */
  async authorize(request: UsageRequest): Promise<void> {
    await this.release(await this.reserve(request));
  }

  /** reserve → call → settle; a failed call releases its reservation and is written to the ledger (success false). */
  async guard<T>(
    request: UsageRequest & { correlationId?: string },
    call: () => Promise<{ value: T; usage: TokenUsage }>,
  ): Promise<T> {
    const reservation = await this.reserve(request);
    const started = Date.now();
    let outcome: { value: T; usage: TokenUsage };
    try {
      outcome = await call();
    } catch (error) {
      await this.release(reservation, { latencyMs: Date.now() - started, correlationId: request.correlationId });
      throw error;
    }
    await this.settle(reservation, {
      ...outcome.usage,
      latencyMs: Date.now() - started,
      success: true,
      correlationId: request.correlationId,
    });
    return outcome.value;
  }

  /** Takes one call from a paid API's daily and monthly cap, atomically; refuses once either is used up. */
  async acquireCall(api: CappedApi = 'google_places'): Promise<{ today: number; month: number }> {
    const now = this.now();
    const cap = { ...CALL_CAPS[api], ...this.options.callCaps?.[api] };
    const day = dayWindow(now);
    const month = monthWindow(now);
    const counters: CounterSpec[] = [
      {
        key: this.keys.calls(api, day),
        what: 'calls',
        scope: 'api',
        subject: api,
        window: day,
        limit: { kind: 'fixed', value: cap.daily },
        expireAt: counterExpiry(day),
      },
      {
        key: this.keys.calls(api, month),
        what: 'calls',
        scope: 'api',
        subject: api,
        window: month,
        limit: { kind: 'fixed', value: cap.monthly },
        expireAt: counterExpiry(month),
      },
    ];
    let reply: unknown[];
    try {
      reply = (await this.redisStep(
        runScript(
          this.options.redis,
          RESERVE_SCRIPT,
          [...this.fixedKeys(), ...counters.map((c) => c.key)],
          [0, 2, ...reserveArgs(counters, [1, 1])],
        ),
      )) as unknown[];
    } catch (error) {
      this.report(error);
      if ((this.options.whenRedisDown ?? 'fail-closed-hard') === 'fail-open') return { today: -1, month: -1 };
      throw new BudgetRefusedError(
        'budget_unavailable',
        `${api} call caps cannot be checked (Redis: ${(error as Error).message}); the call is refused.`,
        { api },
      );
    }
    if (reply[0] === 'ok') {
      const [today, thisMonth] = JSON.parse(String(reply[2])) as [number, number];
      return { today, month: thisMonth };
    }
    if (reply[0] === 'refused') {
      const which = Number(reply[1]) === 1 ? `daily cap of ${cap.daily}` : `monthly cap of ${cap.monthly}`;
      throw new BudgetRefusedError('call_cap_exceeded', `${api} has reached its ${which} calls.`, {
        api,
        used: Number(reply[2]),
        cap: Number(reply[3]),
      });
    }
    throw await this.refusal(String(reply[0]), counters, reply[1], reply[2], reply[3]);
  }

  private async tripBreakers(c: CounterSpec, limitUsd: number, spentMicro: number): Promise<void> {
    const reason =
      `budget: ${describeCounter(c)} budget of $${limitUsd.toFixed(2)} reached ` +
      `($${(spentMicro / 1e6).toFixed(2)} spent)`;
    const forMs = c.window.end.getTime() - this.now().getTime();
    for (const name of this.options.aiBreakers ?? ['openai']) {
      const current = await this.breakers.get(name);
      if (current?.forced?.reason === reason) continue;
      await this.breakers.forceOpen(name, { forMs: Math.max(forMs, 1_000), reason, actor: 'budget-controller' });
    }
  }
}

export function createBudgetController(options: BudgetControllerOptions): BudgetController {
  return new BudgetController(options);
}
