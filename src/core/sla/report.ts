import { identityOf, isWorse, type SlaDefinition, type SlaIdentity } from './catalogue.js';
import { burnRate } from './burn-rate.js';
import { statusOf, withWindow, type EvaluateDeps, type SlaStatus } from './evaluate.js';
import { mapLimited } from './map-limited.js';
import { describeSliFailure, isSliFailure, scalarOf } from './sli-value.js';

export interface BreachPeriod {
  /** the start of the first evaluation step found breached */
  from: Date;
  /** the end of the last evaluation step found breached */
  to: Date;
  seconds: number;
  /** the worst value of the SLI (over one step) inside the period */
  worstValue: number;
}

export interface SlaPeriodResult extends SlaIdentity {
  /** the SLI over the whole period */
  value: number | null;
  status: SlaStatus;
  compliant: boolean | null;
  /** share of the period's error budget spent */
  budgetConsumed: number | null;
  breaches: BreachPeriod[];
  /** seconds of the period inside a breach period */
  breachedSeconds: number;
  /**
   * The period's error budget left at the end of each step: 1 − (mean error ratio of the steps
   * so far) / errorBudget. Steps without traffic (no ratio) leave it unchanged.
   */
  budgetSeries: BudgetPoint[];
  queries: { value: string; errorRatio: string; periods: string; budget: string };
  error?: string;
}

export interface BudgetPoint {
  time: Date;
  remaining: number;
}

/** Budget left after each step, from the error ratio of each step (the steps weigh alike). */
export function budgetSeries(points: readonly { time: number; value: number }[], errorBudget: number): BudgetPoint[] {
  let sum = 0;
  let counted = 0;
  const out: BudgetPoint[] = [];
  for (const p of points) {
    if (Number.isFinite(p.value)) {
      sum += p.value;
      counted++;
    }
    out.push({ time: new Date(p.time * 1000), remaining: counted ? 1 - sum / counted / errorBudget : 1 });
  }
  return out;
}

export interface SlaPeriodReport {
  from: Date;
  to: Date;
  /** the step of the breach-period search: the SLI is evaluated over each step */
  stepSeconds: number;
  prometheus: string;
  generatedAt: Date;
  slas: SlaPeriodResult[];
  partial: boolean;
  errors: string[];
}

/**
 * A step that gives at most ~720 points over the period (Prometheus caps a range query at 11,000), never under 1
 * minute.
 */
export function defaultStepSeconds(periodSeconds: number): number {
  const raw = Math.max(60, Math.ceil(periodSeconds / 720));
  return Math.ceil(raw / 60) * 60;
}

/** Consecutive breached points, merged: a point at t covers the step that ends at t. */
export function breachPeriods(
  sla: Pick<SlaDefinition, 'direction' | 'thresholds'>,
  points: readonly { time: number; value: number }[],
  stepSeconds: number,
): BreachPeriod[] {
  const periods: BreachPeriod[] = [];
  let open: BreachPeriod | undefined;
  let lastTime = -Infinity;
  for (const p of points) {
    const breached = statusOf(sla, p.value) === 'breached';
    const contiguous = p.time - lastTime <= stepSeconds * 1.001;
    if (breached && open && contiguous) {
      open.to = new Date(p.time * 1000);
      open.seconds += stepSeconds;
      if (isWorse(sla.direction, p.value, open.worstValue)) open.worstValue = p.value;
    } else if (breached) {
      open = {
        from: new Date((p.time - stepSeconds) * 1000),
        to: new Date(p.time * 1000),
        seconds: stepSeconds,
        worstValue: p.value,
      };
      periods.push(open);
    } else {
      open = undefined;
    }
    lastTime = p.time;
  }
  return periods;
}

/** The period's compliance per SLA (the SLI over the whole period) and the stretches in breach. */
export async function buildSlaReport(
  slas: readonly SlaDefinition[],
  period: { from: Date; to: Date; stepSeconds?: number },
  deps: EvaluateDeps,
): Promise<SlaPeriodReport> {
  const periodSeconds = Math.floor((period.to.getTime() - period.from.getTime()) / 1000);
  const step = period.stepSeconds ?? defaultStepSeconds(periodSeconds);
  const errors = new Set<string>();

  const results = await mapLimited(slas, deps.concurrency ?? 4, async (sla): Promise<SlaPeriodResult> => {
    const queries = {
      value: withWindow(sla.sli.value, periodSeconds),
      errorRatio: withWindow(sla.sli.errorRatio, periodSeconds),
      periods: withWindow(sla.sli.value, step),
      budget: withWindow(sla.sli.errorRatio, step),
    };
    const range = { start: new Date(period.from.getTime() + step * 1000), end: period.to, stepSeconds: step };
    const base = { ...identityOf(sla), queries };
    try {
      const [value, errorRatio, series, ratios] = await Promise.all([
        deps.prometheus.query(queries.value, period.to, deps.signal),
        deps.prometheus.query(queries.errorRatio, period.to, deps.signal),
        deps.prometheus.queryRange(queries.periods, range, deps.signal),
        deps.prometheus.queryRange(queries.budget, range, deps.signal),
      ]);
      const shown = scalarOf(value);
      const ratio = scalarOf(errorRatio);
      const status = statusOf(sla, shown);
      const breaches = breachPeriods(sla, series[0]?.points ?? [], step);
      return {
        ...base,
        value: shown,
        status,
        compliant: status === 'no_data' ? null : status !== 'breached',
        budgetConsumed: ratio === null ? null : burnRate(ratio, sla.errorBudget),
        breaches,
        breachedSeconds: breaches.reduce((sum, b) => sum + b.seconds, 0),
        budgetSeries: budgetSeries(ratios[0]?.points ?? [], sla.errorBudget),
      };
    } catch (error) {
      if (!isSliFailure(error)) throw error;
      errors.add(describeSliFailure(sla.id, error));
      return {
        ...base,
        value: null,
        status: 'unknown',
        compliant: null,
        budgetConsumed: null,
        breaches: [],
        breachedSeconds: 0,
        budgetSeries: [],
        error: error.message,
      };
    }
  });
  return {
    from: period.from,
    to: period.to,
    stepSeconds: step,
    prometheus: deps.prometheus.url,
    generatedAt: new Date(),
    slas: results,
    partial: errors.size > 0,
    errors: [...errors],
  };
}
