import { stringify } from 'yaml';
import { BURN_WINDOW_PAIRS, BURN_WINDOWS, burnFactor, type BurnWindowPair } from './burn-rate.js';
import type { SlaDefinition } from './catalogue.js';
import { parseDurationSeconds, promqlDuration } from './duration.js';
import { withWindow } from './evaluate.js';

/**
 * Prometheus rules from the catalogue, so the alerts fire without anyone running the CLI: the
 * error ratio recorded over every window a burn-rate pair needs and over the SLA window, the error
 * budget left, the multiwindow multi-burn-rate alerts of the SRE workbook (as Sloth generates
 * them) and an alert when the SLI's series stop getting samples. The expressions are the
 * catalogue's own, filled in exactly as `sla status` fills them, so both compute the same thing.
 */

export const RECORD = {
  ratio: (window: string) => `sla:sli_error:ratio_rate${window}`,
  period: 'sla:sli_error:ratio_rate_period',
  remaining: 'sla:error_budget:remaining',
  allowed: 'sla:error_budget:allowed',
} as const;

export const BURN_ALERT = 'SLAErrorBudgetBurn';

/**
 * Where the generated YAML folds a long expression or description onto the next line: a folded plain
 * or quoted scalar reads back as the same string, and 100 keeps the indented lines within 120 characters.
 */
export const LINE_WIDTH = 100;
export const STALE_ALERT = 'SLASLIStale';

export interface RecordingRule {
  record: string;
  expr: string;
  labels: Record<string, string>;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: (RecordingRule | AlertingRule)[];
}

export interface RuleFile {
  groups: RuleGroup[];
}

const MONTH_AS_ROLLING = 30 * 86_400;

/**
 * The window the rules use: a rule file cannot say "this calendar month", so a calendar-month SLA
 * is recorded and alerted over a rolling 30 days (as Sloth does); rolling windows are kept.
 */
export function ruleWindowSeconds(sla: Pick<SlaDefinition, 'window'>): number {
  return sla.window === 'calendar-month' ? MONTH_AS_ROLLING : parseDurationSeconds(sla.window)!;
}

/** The burn-rate factor of a pair for this SLA's rule window, rounded as `sla status` rounds it. */
export function ruleFactor(sla: Pick<SlaDefinition, 'window'>, pair: BurnWindowPair): number {
  return Math.round(burnFactor(pair, ruleWindowSeconds(sla)) * 1e6) / 1e6;
}

/** The labels of an SLA's burn alert for one window pair (alertname aside). */
export function burnAlertLabels(sla: SlaDefinition, pair: BurnWindowPair): Record<string, string> {
  return {
    sla: sla.id,
    severity: pair.severity,
    runbook: sla.runbook,
    long_window: pair.long,
    short_window: pair.short,
    burn_factor: String(ruleFactor(sla, pair)),
  };
}

export function burnAlertAnnotations(sla: SlaDefinition, pair: BurnWindowPair): Record<string, string> {
  const factor = ruleFactor(sla, pair);
  const window = promqlDuration(ruleWindowSeconds(sla));
  return {
    summary: `${sla.name}: error budget burning ${factor}x over ${pair.long} and ${pair.short}`,
    description:
      `At this rate ${Math.round(pair.budgetSpent * 100)} % of the ${window} error budget ` +
      `is spent every ${pair.long}.`,
    command: `medicalcor sla status --sla ${sla.id}`,
    runbook_command: `medicalcor runbook run ${sla.runbook}`,
  };
}

export function staleAlertLabels(sla: SlaDefinition): Record<string, string> {
  return { sla: sla.id, severity: 'ticket', runbook: sla.runbook };
}

export function staleAlertAnnotations(sla: SlaDefinition): Record<string, string> {
  return {
    summary: `${sla.name}: no sample of its SLI for ${sla.staleAfter}`,
    description:
      `None of ${sla.sli.series.join(', ')} got a sample in the last ${sla.staleAfter}: ` +
      "the SLA's figures are stale, not healthy.",
    command: `medicalcor sla status --sla ${sla.id}`,
    runbook_command: `medicalcor runbook run ${sla.runbook}`,
  };
}

const selectorOf = (name: string, sla: SlaDefinition) => `${name}{sla="${sla.id}"}`;

/** `ratio > factor × budget` for both windows of the pair: both numbers written as in the catalogue. */
function burnExpr(sla: SlaDefinition, pair: BurnWindowPair): string {
  const threshold = `(${ruleFactor(sla, pair)} * ${sla.errorBudget})`;
  const long = selectorOf(RECORD.ratio(pair.long), sla);
  const short = selectorOf(RECORD.ratio(pair.short), sla);
  return `(${long} > ${threshold}) and (${short} > ${threshold})`;
}

/** Fires when none of the SLI's series got a sample in the last staleAfter (max drops the matchers' labels). */
export function staleExpr(sla: SlaDefinition): string {
  return sla.sli.series.map((s) => `max(absent_over_time(${s}[${sla.staleAfter}]))`).join(' and on() ');
}

export function rulesFor(slas: readonly SlaDefinition[]): RuleFile {
  return {
    groups: slas.map((sla): RuleGroup => {
      const labels = { sla: sla.id };
      const windowSeconds = ruleWindowSeconds(sla);
      const recordings: RecordingRule[] = [
        ...BURN_WINDOWS.map((w) => ({
          record: RECORD.ratio(w.label),
          expr: withWindow(sla.sli.errorRatio, w.seconds),
          labels,
        })),
        {
          record: RECORD.period,
          expr: withWindow(sla.sli.errorRatio, windowSeconds),
          labels: { ...labels, window: promqlDuration(windowSeconds) },
        },
        { record: RECORD.allowed, expr: `vector(${sla.errorBudget})`, labels },
        { record: RECORD.remaining, expr: `1 - ${selectorOf(RECORD.period, sla)} / ${sla.errorBudget}`, labels },
      ];
      const alerts: AlertingRule[] = [
        ...BURN_WINDOW_PAIRS.map((pair) => ({
          alert: BURN_ALERT,
          expr: burnExpr(sla, pair),
          labels: burnAlertLabels(sla, pair),
          annotations: burnAlertAnnotations(sla, pair),
        })),
        {
          alert: STALE_ALERT,
          expr: staleExpr(sla),
          labels: staleAlertLabels(sla),
          annotations: staleAlertAnnotations(sla),
        },
      ];
      return { name: `sla-${sla.id}`, rules: [...recordings, ...alerts] };
    }),
  };
}

/** The burn pairs that can never fire: factor × budget ≥ 1 needs more than every event to fail. */
export function unreachablePairs(
  slas: readonly SlaDefinition[],
): { sla: string; long: string; short: string; threshold: number }[] {
  return slas.flatMap((sla) =>
    BURN_WINDOW_PAIRS.flatMap((pair) => {
      const threshold = ruleFactor(sla, pair) * sla.errorBudget;
      return threshold >= 1 ? [{ sla: sla.id, long: pair.long, short: pair.short, threshold }] : [];
    }),
  );
}

/** The rule file as Prometheus reads it (YAML), with a header saying where it comes from. */
export function serializeRuleFile(rules: RuleFile, source: string): string {
  const header = [
    `# Prometheus rules generated by "medicalcor sla rules" from ${source}.`,
    '# Do not edit: change the catalogue and generate again. Check with "promtool check rules".',
    '',
  ].join('\n');
  return header + stringify(rules, { lineWidth: LINE_WIDTH });
}
