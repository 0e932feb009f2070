import { stringify } from 'yaml';
import { BURN_WINDOW_PAIRS, BURN_WINDOWS, type BurnWindowPair } from './burn-rate.js';
import type { SlaDefinition } from './catalogue.js';
import { parseDurationSeconds } from './duration.js';
import {
  BURN_ALERT,
  burnAlertAnnotations,
  burnAlertLabels,
  LINE_WIDTH,
  RECORD,
  ruleFactor,
  STALE_ALERT,
  staleAlertAnnotations,
  staleAlertLabels,
} from './rules.js';
import { equalityLabels } from './selectors.js';

/**
 * A `promtool test rules` file for the generated rules: for every SLA, a synthetic error burst
 * fed as the recorded ratios of its windows (the recording rules find no raw
 * series in the test, so they add nothing), and the minutes at which the alert must start and
 * stop firing; for every SLA, a series that stops, and the minute its stale alert must fire.
 * The expected minutes come from simulating the alert's condition on the very values promtool
 * expands from the series notation, so a wrong factor, window or label in the rules fails it.
 */

const MINUTE = 60;
const BURST_START = 10;

/** promtool's `a+bxN`: a, a+b, … (N+1 values), summed step by step as promtool does. */
export interface Segment {
  start: number;
  step: number;
  count: number;
}

export function expandSegments(segments: readonly Segment[]): number[] {
  const out: number[] = [];
  for (const s of segments) {
    let v = s.start;
    for (let j = 0; j <= s.count; j++) {
      out.push(v);
      v += s.step;
    }
  }
  return out;
}

const num = (n: number) => {
  const text = String(n === 0 ? 0 : n);
  // promtool's series notation has no exponents: write tiny numbers out
  return /e/i.test(text) ? n.toFixed(20).replace(/0+$/, '').replace(/\.$/, '') : text;
};

export function segmentsText(segments: readonly Segment[]): string {
  return segments
    .map((s) =>
      s.count === 0 ? num(s.start) : `${num(s.start)}${s.step < 0 ? '-' : '+'}${num(Math.abs(s.step))}x${s.count}`,
    )
    .join(' ');
}

/**
 * The error ratio over a window of `w` minutes at minute t, for errors at rate r during
 * [t0, t1) and none otherwise: r × overlap / w, linear between the breakpoints.
 */
function windowRatio(r: number, t0: number, t1: number, w: number, t: number): number {
  const overlap = Math.max(0, Math.min(t, t1) - Math.max(t - w, t0));
  return (r * overlap) / w;
}

/** Minutes 0..horizon of the window ratio as linear segments (one per stretch between breakpoints). */
function burstSegments(r: number, t0: number, t1: number, w: number, horizon: number): Segment[] {
  const points = [...new Set([0, t0, t0 + w, t1, t1 + w, horizon + 1].filter((p) => p >= 0 && p <= horizon + 1))].sort(
    (a, b) => a - b,
  );
  const segments: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [p, q] = [points[i]!, points[i + 1]!];
    const start = windowRatio(r, t0, t1, w, p);
    const step = q - p > 1 ? (windowRatio(r, t0, t1, w, q - 1) - start) / (q - 1 - p) : 0;
    segments.push({ start, step, count: q - p - 1 });
  }
  return segments;
}

interface PromtoolAlert {
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
}

interface AlertTest {
  eval_time: string;
  alertname: string;
  exp_alerts: PromtoolAlert[];
}

interface TestGroup {
  name: string;
  interval: string;
  input_series: { series: string; values: string }[];
  alert_rule_test: AlertTest[];
}

export interface RuleTestFile {
  rule_files: string[];
  evaluation_interval: string;
  tests: TestGroup[];
}

const labelText = (labels: Record<string, string>) =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
    .join(',')}}`;

/** What the generated burn test expects: the minutes the alert starts and stops firing (null: never). */
export interface BurnExpectation {
  sla: string;
  long: string;
  short: string;
  severity: string;
  errorRatio: number;
  burst: { from: number; to: number } | null;
  firesAt: number | null;
  resolvesAt: number | null;
}

interface SlaBurst {
  sla: SlaDefinition;
  /** the seven window ratios fed for this SLA */
  series: { series: string; values: string }[];
  /** per pair, per minute: whether the alert's condition holds */
  firing: boolean[][];
  expectations: BurnExpectation[];
  horizon: number;
}

const thresholdOf = (sla: SlaDefinition, pair: BurnWindowPair) =>
  Number(String(ruleFactor(sla, pair))) * Number(String(sla.errorBudget));

/**
 * One error burst per SLA, strong and long enough that every pair that can fire does: errors at
 * 2.2 times the highest reachable threshold (at most 100 %), from minute 10 until the slowest
 * pair's long window has crossed its threshold.
 */
function burstFor(sla: SlaDefinition): SlaBurst {
  const thresholds = BURN_WINDOW_PAIRS.map((pair) => thresholdOf(sla, pair));
  const reachable = thresholds.filter((t) => t < 1);
  const t0 = BURST_START;
  let r = reachable.length ? Math.min(1, 2.2 * Math.max(...reachable)) : 0;
  const durationFor = (rate: number) =>
    reachable.length
      ? Math.ceil(
          Math.max(
            ...BURN_WINDOW_PAIRS.map((pair, i) =>
              thresholds[i]! < 1 ? ((pair.longSeconds / MINUTE) * thresholds[i]!) / rate : 0,
            ),
          ),
        ) + 15
      : 0;
  // after the burst, every short window has emptied (and its alert resolved) within the longest of them
  const longestShort = Math.max(...BURN_WINDOW_PAIRS.map((p) => p.shortSeconds / MINUTE));
  let t1 = t0;
  let end = 0;
  let windows!: Map<string, Segment[]>;
  let values!: Map<string, number[]>;
  for (let attempt = 0; attempt < 20; attempt++) {
    t1 = t0 + durationFor(r);
    end = t1 + longestShort + 10;
    windows = new Map(BURN_WINDOWS.map((w) => [w.label, burstSegments(r, t0, t1, w.seconds / MINUTE, end)]));
    values = new Map([...windows].map(([label, segments]) => [label, expandSegments(segments)]));
    // a value within rounding of a threshold would make the expected minute a coin toss: move off it
    const near = [...values.values()].some((vs) => vs.some((v) => thresholds.some((t) => Math.abs(v - t) <= 1e-9 * t)));
    if (!near || r === 0) break;
    // errors can be at most 100 %: at the cap, move down instead (still above every reachable threshold)
    r = r * 1.0137 > 1 ? r * 0.9863 : r * 1.0137;
  }
  const firing = BURN_WINDOW_PAIRS.map((pair, i) => {
    const [lv, sv] = [values.get(pair.long)!, values.get(pair.short)!];
    return lv.map((v, m) => v > thresholds[i]! && sv[m]! > thresholds[i]!);
  });
  const expectations = BURN_WINDOW_PAIRS.map((pair, i): BurnExpectation => {
    const firesAt = firing[i]!.indexOf(true);
    const resolvesAt = firesAt < 0 ? -1 : firing[i]!.indexOf(false, firesAt);
    return {
      sla: sla.id,
      long: pair.long,
      short: pair.short,
      severity: pair.severity,
      errorRatio: r,
      burst: r > 0 ? { from: t0, to: t1 } : null,
      firesAt: firesAt < 0 ? null : firesAt,
      resolvesAt: resolvesAt < 0 ? null : resolvesAt,
    };
  });
  const series = [...windows].map(([label, segments]) => ({
    series: `${RECORD.ratio(label)}${labelText({ sla: sla.id })}`,
    values: segmentsText(segments),
  }));
  return { sla, series, firing, expectations, horizon: end };
}

/**
 * All SLAs' bursts in one test group (promtool evaluates every rule at every minute of a group,
 * so one group costs a fraction of one per pair). At each minute where some alert must start or
 * stop, the expected alerts are every pair of every SLA whose condition holds then: an alert that
 * fires where it should not fails the test as much as one that does not fire.
 */
function burnGroup(bursts: readonly SlaBurst[]): TestGroup {
  const minutes = new Set<number>();
  for (const b of bursts) {
    for (const e of b.expectations) {
      if (e.firesAt !== null) [e.firesAt - 1, e.firesAt].forEach((m) => minutes.add(m));
      if (e.resolvesAt !== null) [e.resolvesAt - 1, e.resolvesAt].forEach((m) => minutes.add(m));
    }
    minutes.add(b.horizon);
  }
  const checks = [...minutes]
    .filter((m) => m >= 0)
    .sort((a, b) => a - b)
    .map(
      (minute): AlertTest => ({
        eval_time: `${minute}m`,
        alertname: BURN_ALERT,
        exp_alerts: bursts.flatMap((b) =>
          BURN_WINDOW_PAIRS.flatMap((pair, i) => {
            const on = b.firing[i]![Math.min(minute, b.firing[i]!.length - 1)];
            return on
              ? [{ exp_labels: burnAlertLabels(b.sla, pair), exp_annotations: burnAlertAnnotations(b.sla, pair) }]
              : [];
          }),
        ),
      }),
    );
  return {
    name: 'burn-rate alerts fire and resolve at the expected minute',
    interval: '1m',
    input_series: bursts.flatMap((b) => b.series),
    alert_rule_test: checks,
  };
}

/**
 * Every SLA's series get a sample each minute up to minute 30, then none: each stale alert must be
 * quiet until staleAfter has passed and fire just after. An SLA whose series all have regex
 * matchers gets no sample it would recognise, so its alert fires from the start.
 */
function staleGroup(slas: readonly SlaDefinition[]): TestGroup {
  const lastMinute = 30;
  const fed = new Map<string, string>();
  for (const sla of slas) {
    const selector = sla.sli.series.find((s) => equalityLabels(s));
    if (!selector) continue;
    const { __name__: name, ...labels } = equalityLabels(selector)!;
    fed.set(sla.id, `${name}${Object.keys(labels).length ? labelText(labels) : ''}`);
  }
  const afterOf = (sla: SlaDefinition) => parseDurationSeconds(sla.staleAfter)! / MINUTE;
  // Prometheus 2 counts a sample exactly staleAfter old as inside the range, Prometheus 3 as outside:
  // the minutes checked are one either side, so the test holds for both
  const quietUntil = (sla: SlaDefinition) => Math.floor(lastMinute + afterOf(sla)) - 1;
  const firesFrom = (sla: SlaDefinition) => Math.ceil(lastMinute + afterOf(sla)) + 1;
  const minutes = [...new Set([lastMinute, ...slas.flatMap((s) => [quietUntil(s), firesFrom(s)])])].sort(
    (a, b) => a - b,
  );
  return {
    name: `stale alerts fire once the series stop (last sample at minute ${lastMinute})`,
    interval: '1m',
    input_series: [...new Set(fed.values())].map((series) => ({ series, values: `1+0x${lastMinute}` })),
    alert_rule_test: minutes.map((minute) => ({
      eval_time: `${minute}m`,
      alertname: STALE_ALERT,
      exp_alerts: slas
        .filter((sla) => !fed.has(sla.id) || minute >= firesFrom(sla))
        .map((sla) => ({ exp_labels: staleAlertLabels(sla), exp_annotations: staleAlertAnnotations(sla) })),
    })),
  };
}

export function ruleTestsFor(
  slas: readonly SlaDefinition[],
  rulesFile: string,
): { file: RuleTestFile; expectations: BurnExpectation[] } {
  const bursts = slas.map(burstFor);
  return {
    file: { rule_files: [rulesFile], evaluation_interval: '1m', tests: [burnGroup(bursts), staleGroup(slas)] },
    expectations: bursts.flatMap((b) => b.expectations),
  };
}

export function serializeRuleTests(file: RuleTestFile, source: string): string {
  const header = [
    `# promtool unit tests for the rules generated by "medicalcor sla rules" from ${source}.`,
    '# Run with "promtool test rules" from this directory. Generated: do not edit.',
    '',
  ].join('\n');
  return header + stringify(file, { lineWidth: LINE_WIDTH });
}
