import type { PrometheusClient } from '../prometheus/index.js';
import { runBatched, type Outcome, type QueryJob } from './batch-query.js';
import { BURN_WINDOW_PAIRS, BURN_WINDOWS, burnFactor, burnRate, secondsToExhaustion } from './burn-rate.js';
import { identityOf, isWorse, type SlaDefinition, type SlaIdentity } from './catalogue.js';
import { promqlDuration } from './duration.js';
import { FRESHNESS_LOOKBACK, freshnessOf, freshnessQuery, type Freshness } from './freshness.js';
import { describeSliFailure, ErrorRatioOutOfRangeError } from './sli-value.js';
import { windowAt, type SlaWindow } from './window.js';
import { WINDOW_PLACEHOLDER } from './window-placeholder.js';

/** `stale`: the SLI's series stopped getting samples; its figures describe the past, not now. */
export type SlaStatus = 'met' | 'warning' | 'breached' | 'stale' | 'no_data' | 'unknown';

export interface BurnRateResult {
  long: string;
  short: string;
  /** the burn rate both windows must exceed for the alert to fire, derived from the SLA window */
  factor: number;
  budgetSpent: number;
  severity: 'page' | 'ticket';
  longRate: number | null;
  shortRate: number | null;
  firing: boolean;
}

export interface SlaEvaluation extends SlaIdentity {
  window: SlaWindow;
  status: SlaStatus;
  /** what the value alone says (met / warning / breached), also when the SLA is stale */
  valueStatus: SlaStatus;
  /** the newest sample of the SLI's series and whether it is older than staleAfter */
  freshness: Freshness | null;
  /** the SLI over the window, in `unit`; null when there is no data or it could not be read */
  value: number | null;
  errorBudget: {
    /** share of events allowed to be bad */
    allowed: number;
    /** share of bad events over the window */
    errorRatio: number | null;
    /** share of the budget spent (1 = all of it) */
    consumed: number | null;
    /** share of the budget left; negative when overspent */
    remaining: number | null;
  };
  burnRates: BurnRateResult[];
  /** at the burn rate of the last hour; null: not burning, or unknown */
  timeToExhaustion: { seconds: number | null; basis: string; exhausted: boolean };
  /** every PromQL expression evaluated, exactly as sent */
  queries: { value: string; errorRatio: string; burn: Record<string, string>; freshness: string };
  /** why the status is unknown or a value is missing */
  error?: string;
}

export interface SlaStatusReport {
  evaluatedAt: Date;
  prometheus: string;
  slas: SlaEvaluation[];
  summary: Record<SlaStatus, number>;
  /** Prometheus could not be reached or refused a query: some figures are missing */
  partial: boolean;
  errors: string[];
  /**
   * HTTP requests sent to Prometheus: one per query window (queries of one window are batched), one more if an SLA is
   * stale
   */
  roundTrips: number;
}

export interface EvaluateDeps {
  prometheus: PrometheusClient;
  signal?: AbortSignal;
  /** how many queries run at once (a status is ~10 queries per SLA) */
  concurrency?: number;
}

export function withWindow(query: string, seconds: number): string {
  return query.split(WINDOW_PLACEHOLDER).join(promqlDuration(seconds));
}

/** met / warning / breached from the value, the thresholds and which way is good. */
export function statusOf(sla: Pick<SlaDefinition, 'direction' | 'thresholds'>, value: number | null): SlaStatus {
  if (value === null || Number.isNaN(value)) return 'no_data';
  if (isWorse(sla.direction, value, sla.thresholds.breach)) return 'breached';
  if (isWorse(sla.direction, value, sla.thresholds.warning)) return 'warning';
  return 'met';
}

/** An error ratio outside 0..1 (beyond rounding) is a wrong query, not a figure to spend budget with. */
function checkRatio(outcome: Outcome, window: string): Outcome {
  if (!('value' in outcome) || outcome.value === null) return outcome;
  const v = outcome.value;
  if (v >= -1e-9 && v <= 1 + 1e-9) return outcome;
  return { error: new ErrorRatioOutOfRangeError(v, window) };
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** Evaluates the SLAs as of `at`: value, status, freshness, budget, burn rates and time to exhaustion. */
export async function evaluateSlas(
  slas: readonly SlaDefinition[],
  at: Date,
  deps: EvaluateDeps,
): Promise<SlaStatusReport> {
  const jobs: (QueryJob & { sla: number; key: string })[] = [];
  const plans = slas.map((sla, i) => {
    const window = windowAt(sla, at);
    const range = promqlDuration(window.elapsedSeconds);
    const queries = {
      value: withWindow(sla.sli.value, window.elapsedSeconds),
      errorRatio: withWindow(sla.sli.errorRatio, window.elapsedSeconds),
      burn: Object.fromEntries(BURN_WINDOWS.map((w) => [w.label, withWindow(sla.sli.errorRatio, w.seconds)])),
      freshness: freshnessQuery(sla),
    };
    jobs.push(
      { sla: i, key: 'value', expr: queries.value, batch: range },
      { sla: i, key: 'errorRatio', expr: queries.errorRatio, batch: range },
    );
    for (const w of BURN_WINDOWS)
      jobs.push({ sla: i, key: `burn:${w.label}`, expr: queries.burn[w.label]!, batch: promqlDuration(w.seconds) });
    jobs.push({ sla: i, key: 'freshness', expr: queries.freshness, batch: 'freshness' });
    return { sla, window, queries };
  });

  const first = await runBatched(jobs, at, deps);
  const outcomes = first.outcomes;
  // no sample within staleAfter: look back a day, once for all such SLAs, to say how old the last one is
  const quiet = jobs.flatMap((job, i) => {
    const o = outcomes[i]!;
    return job.key === 'freshness' && 'value' in o && o.value === null ? [i] : [];
  });
  let roundTrips = first.roundTrips;
  if (quiet.length) {
    const older = quiet.map((i) => ({
      expr: freshnessQuery(plans[jobs[i]!.sla]!.sla, FRESHNESS_LOOKBACK),
      batch: 'freshness-day',
    }));
    const second = await runBatched(older, at, deps);
    quiet.forEach((i, n) => (outcomes[i] = second.outcomes[n]!));
    roundTrips += second.roundTrips;
  }
  const bySla = plans.map(() => new Map<string, Outcome>());
  jobs.forEach((job, i) => {
    const outcome = outcomes[i]!;
    const label = job.key === 'errorRatio' ? plans[job.sla]!.window.label : job.key.replace('burn:', '');
    bySla[job.sla]!.set(
      job.key,
      job.key === 'errorRatio' || job.key.startsWith('burn:') ? checkRatio(outcome, label) : outcome,
    );
  });

  const errors = new Set<string>();
  const slasOut = plans.map(({ sla, window, queries }, i): SlaEvaluation => {
    const got = bySla[i]!;
    const failures = [...got.values()].flatMap((o) => ('error' in o ? [o.error] : []));
    for (const failure of failures) errors.add(describeSliFailure(sla.id, failure));
    const num = (key: string) => {
      const o = got.get(key)!;
      return 'value' in o ? o.value : null;
    };
    const valueFailed = 'error' in got.get('value')!;
    const value = num('value');
    const errorRatio = num('errorRatio');
    const consumed = errorRatio === null ? null : burnRate(errorRatio, sla.errorBudget);
    const remaining = consumed === null ? null : 1 - consumed;
    const rate = (label: string) => {
      const r = num(`burn:${label}`);
      return r === null ? null : burnRate(r, sla.errorBudget);
    };
    const burnRates = BURN_WINDOW_PAIRS.map((pair): BurnRateResult => {
      const factor = round(burnFactor(pair, window.totalSeconds));
      const longRate = rate(pair.long);
      const shortRate = rate(pair.short);
      const firing = longRate !== null && shortRate !== null && longRate > factor && shortRate > factor;
      return {
        long: pair.long,
        short: pair.short,
        factor,
        budgetSpent: pair.budgetSpent,
        severity: pair.severity,
        longRate,
        shortRate,
        firing,
      };
    });
    const basis = BURN_WINDOW_PAIRS[0]!.long;
    const exhaustion =
      remaining === null ? undefined : secondsToExhaustion(remaining, rate(basis) ?? 0, window.totalSeconds);
    const freshness = 'error' in got.get('freshness')! ? null : freshnessOf(sla, num('freshness'), at);
    const valueStatus: SlaStatus = valueFailed ? 'unknown' : statusOf(sla, value);
    const ratioFailed = failures.some((f) => f instanceof ErrorRatioOutOfRangeError);
    const status: SlaStatus =
      valueStatus === 'unknown' || valueStatus === 'no_data'
        ? valueStatus
        : ratioFailed
          ? 'unknown'
          : freshness?.stale
            ? 'stale'
            : valueStatus;
    return {
      ...identityOf(sla),
      window,
      status,
      valueStatus,
      freshness,
      value,
      errorBudget: { allowed: sla.errorBudget, errorRatio, consumed, remaining },
      burnRates,
      timeToExhaustion: {
        seconds: exhaustion ?? null,
        basis: `${basis} burn rate`,
        exhausted: remaining !== null && remaining <= 0,
      },
      queries,
      error: failures.length ? failures[0]!.message : undefined,
    };
  });

  const summary: Record<SlaStatus, number> = { met: 0, warning: 0, breached: 0, stale: 0, no_data: 0, unknown: 0 };
  for (const s of slasOut) summary[s.status]++;
  return {
    evaluatedAt: at,
    prometheus: deps.prometheus.url,
    slas: slasOut,
    summary,
    // a stale SLA is not a figure of now: the result is partial, like one Prometheus could not give
    partial: errors.size > 0 || summary.stale > 0,
    errors: [...errors],
    roundTrips,
  };
}
