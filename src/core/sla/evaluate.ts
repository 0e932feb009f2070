import { PrometheusUnavailableError, type PrometheusClient } from '../prometheus/index.js';
import { BURN_WINDOW_PAIRS, BURN_WINDOWS, burnFactor, burnRate, secondsToExhaustion } from './burn-rate.js';
import { identityOf, isWorse, WINDOW_PLACEHOLDER, type SlaDefinition, type SlaIdentity } from './catalogue.js';
import { promqlDuration } from './duration.js';
import { mapLimited } from './map-limited.js';
import { describeSliFailure, isSliFailure, scalarOf, type SliFailure } from './sli-value.js';
import { windowAt, type SlaWindow } from './window.js';

export type SlaStatus = 'met' | 'warning' | 'breached' | 'no_data' | 'unknown';

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
  queries: { value: string; errorRatio: string; burn: Record<string, string> };
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

type Outcome = { value: number | null } | { error: SliFailure };

async function scalarAt(deps: EvaluateDeps, expr: string, at: Date): Promise<Outcome> {
  try {
    return { value: scalarOf(await deps.prometheus.query(expr, at, deps.signal)) };
  } catch (error) {
    if (isSliFailure(error)) return { error };
    throw error;
  }
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** Evaluates the SLAs as of `at`: value, status, budget, burn rates and time to exhaustion. */
export async function evaluateSlas(slas: readonly SlaDefinition[], at: Date, deps: EvaluateDeps): Promise<SlaStatusReport> {
  const jobs: { sla: number; key: string; expr: string }[] = [];
  const plans = slas.map((sla, i) => {
    const window = windowAt(sla, at);
    const queries = {
      value: withWindow(sla.sli.value, window.elapsedSeconds),
      errorRatio: withWindow(sla.sli.errorRatio, window.elapsedSeconds),
      burn: Object.fromEntries(BURN_WINDOWS.map((w) => [w.label, withWindow(sla.sli.errorRatio, w.seconds)])),
    };
    jobs.push({ sla: i, key: 'value', expr: queries.value }, { sla: i, key: 'errorRatio', expr: queries.errorRatio });
    for (const [label, expr] of Object.entries(queries.burn)) jobs.push({ sla: i, key: `burn:${label}`, expr });
    return { sla, window, queries };
  });

  // once Prometheus is found unreachable, the remaining queries are not sent: each would wait its timeout
  let unreachable: Outcome | undefined;
  const outcomes = await mapLimited(jobs, deps.concurrency ?? 8, async (job) => {
    if (unreachable) return unreachable;
    const outcome = await scalarAt(deps, job.expr, at);
    if ('error' in outcome && outcome.error instanceof PrometheusUnavailableError) unreachable = outcome;
    return outcome;
  });
  const bySla = plans.map(() => new Map<string, Outcome>());
  jobs.forEach((job, i) => bySla[job.sla]!.set(job.key, outcomes[i]!));

  const errors = new Set<string>();
  const slasOut = plans.map(({ sla, window, queries }, i): SlaEvaluation => {
    const got = bySla[i]!;
    const failures = [...got.entries()].filter(([, o]) => 'error' in o) as [string, { error: SliFailure }][];
    for (const [, o] of failures) errors.add(describeSliFailure(sla.id, o.error));
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
      return { long: pair.long, short: pair.short, factor, budgetSpent: pair.budgetSpent, severity: pair.severity, longRate, shortRate, firing: longRate !== null && shortRate !== null && longRate > factor && shortRate > factor };
    });
    const basis = BURN_WINDOW_PAIRS[0]!.long;
    const exhaustion = remaining === null ? undefined : secondsToExhaustion(remaining, rate(basis) ?? 0, window.totalSeconds);
    return {
      ...identityOf(sla),
      window,
      status: valueFailed ? 'unknown' : statusOf(sla, value),
      value,
      errorBudget: { allowed: sla.errorBudget, errorRatio, consumed, remaining },
      burnRates,
      timeToExhaustion: { seconds: exhaustion ?? null, basis: `${basis} burn rate`, exhausted: remaining !== null && remaining <= 0 },
      queries,
      error: failures.length ? failures[0]![1].error.message : undefined,
    };
  });

  const summary: Record<SlaStatus, number> = { met: 0, warning: 0, breached: 0, no_data: 0, unknown: 0 };
  for (const s of slasOut) summary[s.status]++;
  return { evaluatedAt: at, prometheus: deps.prometheus.url, slas: slasOut, summary, partial: errors.size > 0, errors: [...errors] };
}
