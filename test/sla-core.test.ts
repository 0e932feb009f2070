import { describe, expect, it } from 'vitest';
import type { PrometheusClient } from '../src/core/prometheus/index.js';
import {
  breachPeriods,
  buildSlaReport,
  burnFactor,
  BURN_WINDOW_PAIRS,
  defaultStepSeconds,
  evaluateSlas,
  parseCatalogue,
  parseDurationSeconds as parseDuration,
  parseTimePoint,
  promqlDuration,
  secondsToExhaustion,
  statusOf,
  windowAt,
} from '../src/core/sla/index.js';

describe('SLA arithmetic', () => {
  it('derives the workbook factors from the window', () => {
    expect(BURN_WINDOW_PAIRS.map((p) => burnFactor(p, 30 * 86_400))).toEqual([14.4, 6, 3, 1]);
    // a 7-day window spends budget 30/7 times faster per hour of burn
    expect(BURN_WINDOW_PAIRS.map((p) => +burnFactor(p, 7 * 86_400).toFixed(4))).toEqual([3.36, 1.4, 0.7, 0.2333]);
  });

  it('compares with the thresholds in the stated direction; on the threshold is not past it', () => {
    const lower = { direction: 'lower' as const, thresholds: { warning: 0.4, breach: 0.5 } };
    expect([0.3, 0.4, 0.45, 0.5, 0.51].map((v) => statusOf(lower, v))).toEqual([
      'met',
      'met',
      'warning',
      'warning',
      'breached',
    ]);
    const higher = { direction: 'higher' as const, thresholds: { warning: 99.97, breach: 99.95 } };
    expect([99.99, 99.97, 99.96, 99.95, 99.9].map((v) => statusOf(higher, v))).toEqual([
      'met',
      'met',
      'warning',
      'warning',
      'breached',
    ]);
    expect(statusOf(higher, null)).toBe('no_data');
    expect(statusOf(higher, NaN)).toBe('no_data');
  });

  it('gives the time to exhaustion from the budget left and the burn rate', () => {
    expect(secondsToExhaustion(0.5, 2, 30 * 86_400)).toBe(7.5 * 86_400);
    expect(secondsToExhaustion(-0.1, 2, 30 * 86_400)).toBe(0);
    expect(secondsToExhaustion(0.5, 0, 30 * 86_400)).toBeUndefined();
  });

  it('measures a calendar month in UTC, elapsed and whole', () => {
    const w = windowAt({ window: 'calendar-month' }, new Date('2024-02-10T12:00:00Z'));
    expect(w.from.toISOString()).toBe('2024-02-01T00:00:00.000Z');
    expect(w.elapsedSeconds).toBe(9.5 * 86_400);
    expect(w.totalSeconds).toBe(29 * 86_400);
  });

  it('writes and reads durations', () => {
    expect(parseDuration('1h30m')).toBe(5_400);
    expect(parseDuration('30x')).toBeUndefined();
    expect([2_592_000, 3_600, 5_400, 61].map(promqlDuration)).toEqual(['30d', '1h', '90m', '61s']);
    const now = new Date('2025-03-01T12:00:00Z');
    expect(parseTimePoint('now-7d', now)?.toISOString()).toBe('2025-02-22T12:00:00.000Z');
    expect(parseTimePoint('2025-02-01', now)?.toISOString()).toBe('2025-02-01T00:00:00.000Z');
    expect(parseTimePoint('yesterday', now)).toBeUndefined();
  });
});

describe('breach periods', () => {
  const sla = { direction: 'lower' as const, thresholds: { warning: 0.5, breach: 1 } };
  it('merges consecutive breached steps, splits at a good step or a gap without data, keeps the worst value', () => {
    const points = [
      { time: 600, value: 0.2 },
      { time: 900, value: 3 },
      { time: 1200, value: 5 },
      { time: 1500, value: 0.1 },
      { time: 1800, value: 2 },
      /* no data at 2100 */ { time: 2400, value: 4 },
    ];
    expect(
      breachPeriods(sla, points, 300).map((p) => [
        p.from.getTime() / 1000,
        p.to.getTime() / 1000,
        p.seconds,
        p.worstValue,
      ]),
    ).toEqual([
      [600, 1200, 600, 5],
      [1500, 1800, 300, 2],
      [2100, 2400, 300, 4],
    ]);
  });

  it('picks a step that keeps a range query small', () => {
    expect(defaultStepSeconds(3_600)).toBe(60);
    expect(defaultStepSeconds(30 * 86_400)).toBe(3_600);
  });
});

describe('catalogue validation', () => {
  const sla = (extra: string) =>
    `slas:\n  - id: x\n    name: X\n    unit: percent\n    objective: 99\n    thresholds: { warning: 99.5, breach: ` +
    `99 }\n    window: 30d\n    sli: { value: "v[$window]", errorRatio: "e[$window]" }\n    errorBudget: 0.01\n    ` +
    `runbook: rb\n${extra}`;
  it('requires the direction to be stated', () => {
    expect(() => parseCatalogue(sla(''), 'c.yaml')).toThrow(/^c\.yaml: SLA x: direction: /);
    expect(parseCatalogue(sla('    direction: higher\n'), 'c.yaml').slas[0]!.direction).toBe('higher');
  });
  it('rejects duplicate ids and unknown fields', () => {
    const twice = `${sla('    direction: higher\n')}${sla('    direction: higher\n').replace('slas:\n', '')}`;
    expect(() => parseCatalogue(twice, 'c.yaml')).toThrow(/SLA x: id: "x" is defined twice/);
    expect(() => parseCatalogue(sla('    direction: higher\n    target: 3\n'), 'c.yaml')).toThrow(/SLA x: .*target/);
  });
});

describe('SLI queries that do not aggregate', () => {
  const catalogue = parseCatalogue(
    'slas:\n  - id: x\n    name: X\n    unit: percent\n    direction: higher\n    objective: 99\n    thresholds: { ' +
      'warning: 99.5, breach: 99 }\n    window: 30d\n    sli: { value: "v[$window]", errorRatio: "e[$window]" }\n    ' +
      'errorBudget: 0.01\n    runbook: rb\n',
    'c.yaml',
  );
  // every instant query answers two series, as `rate(x[5m])` without sum() does
  const twoSeries: PrometheusClient = {
    url: 'http://prometheus.test/',
    // a batched query (label_replace(…, "medicalcor_job", "N", …) or …) gets two series per job, as Prometheus would
    query: async (expr, at) => {
      const jobs = [...expr.matchAll(/"medicalcor_job", "(\d+)"/g)].map((m) => ({ medicalcor_job: m[1]! }));
      return (jobs.length ? jobs : [{}]).flatMap((tag) =>
        [1, 2].map((n) => ({ labels: { pod: `p${n}`, ...tag }, time: at.getTime() / 1000, value: 0.001 })),
      );
    },
    queryRange: async () => [],
    ready: async () => true,
  };
  const message = 'x: returned 2 series; an SLI must aggregate to one (wrap it in sum(...) or avg(...))';

  it('are an unknown status in `sla status`', async () => {
    const report = await evaluateSlas(catalogue.slas, new Date('2025-03-15T00:00:00Z'), { prometheus: twoSeries });
    expect(report.slas[0]).toMatchObject({ status: 'unknown', value: null });
    expect(report).toMatchObject({ partial: true, errors: [message] });
  });

  it('are an unknown status in `sla report` too', async () => {
    const report = await buildSlaReport(
      catalogue.slas,
      { from: new Date('2025-03-01T00:00:00Z'), to: new Date('2025-03-15T00:00:00Z') },
      { prometheus: twoSeries },
    );
    expect(report.slas[0]).toMatchObject({ status: 'unknown', value: null, compliant: null });
    expect(report).toMatchObject({ partial: true, errors: [message] });
  });
});

describe('formatting shares', () => {
  it('shows a budget exactly when it has few decimals, else one decimal or two significant digits', async () => {
    const { formatShare } = await import('../src/core/sla/index.js');
    expect([0.0005, 0.005, 0.05, 0.5, 0.9995, 1, 0].map(formatShare)).toEqual([
      '0.05 %',
      '0.5 %',
      '5 %',
      '50 %',
      '99.95 %',
      '100 %',
      '0 %',
    ]);
    expect([0.123456, -7.333333, 0.000123456, null].map(formatShare)).toEqual(['12.3 %', '-733.3 %', '0.012 %', '–']);
  });
});

describe('the series an SLI reads', () => {
  it('are the selectors in front of [$window], the matchers kept', async () => {
    const { selectorsOf, equalityLabels } = await import('../src/core/sla/index.js');
    expect(
      selectorsOf(
        'sum(rate(http_requests_total{job="api",code=~"5.."}[$window])) / ' +
          'sum(rate(http_requests_total{job="api"}[$window]))',
      ),
    ).toEqual(['http_requests_total{job="api",code=~"5.."}', 'http_requests_total{job="api"}']);
    expect(selectorsOf('1 - avg(avg_over_time(probe_success{job="blackbox",target="api"}[ $window ]))')).toEqual([
      'probe_success{job="blackbox",target="api"}',
    ]);
    expect(equalityLabels('http_requests_total{job="api",code=~"5.."}')).toBeUndefined();
    expect(equalityLabels('probe_success{job="blackbox",target="a,b"}')).toEqual({
      __name__: 'probe_success',
      job: 'blackbox',
      target: 'a,b',
    });
  });

  it('are stale once the newest sample is older than staleAfter, and without any sample in a day', async () => {
    const { freshnessOf } = await import('../src/core/sla/index.js');
    const at = new Date('2025-03-01T12:00:00Z');
    const t = at.getTime() / 1000;
    expect(freshnessOf({ staleAfter: '10m' }, t - 600, at)).toMatchObject({ ageSeconds: 600, stale: false });
    expect(freshnessOf({ staleAfter: '10m' }, t - 601, at)).toMatchObject({ ageSeconds: 601, stale: true });
    expect(freshnessOf({ staleAfter: '10m' }, null, at)).toEqual({
      lastSampleAt: null,
      ageSeconds: null,
      staleAfterSeconds: 600,
      stale: true,
    });
  });
});
