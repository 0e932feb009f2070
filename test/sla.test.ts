import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from './helpers/in-process.js';
import { applySchema, createTestDatabase } from './helpers/postgres.js';
import {
  closedPort,
  type CounterSpec,
  type HistogramSpec,
  platformScenario,
  type Scenario,
  startScenarioPrometheus,
  type TestPrometheus,
} from './helpers/prometheus.js';

/*
 * The shipped catalogue evaluated by a real Prometheus over backfilled series. Every expected
 * figure is computed here from the scenario's own increments, not read back from the CLI: a
 * counter's increase over [t-w, t] is the sum of its increments at samples younger than w.
 */

const DAY = 86_400;
const end = Math.floor(Date.now() / 1000 / 300) * 300;
const at = new Date(end * 1000).toISOString();
const scenario: Scenario = platformScenario(end);
let prometheus: TestPrometheus;
let workDir: string;

beforeAll(async () => {
  prometheus = await startScenarioPrometheus(scenario);
  workDir = mkdtempSync(join(tmpdir(), 'mc-sla-'));
});
afterAll(async () => {
  await prometheus?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const sla = (args: string[], env: Record<string, string> = {}) =>
  runInProcess(['sla', ...args], { cwd: workDir, env: { MEDICALCOR_PROMETHEUS_URL: prometheus.url, ...env } });

// ---- independent arithmetic over the scenario ----------------------------------------------
const ages = (windowSeconds: number) => {
  const out: number[] = [];
  for (
    let age = 0;
    age <= Math.min(windowSeconds, scenario.spanSeconds) - scenario.stepSeconds;
    age += scenario.stepSeconds
  )
    out.push(age);
  return out;
};
const counters = (name: string, match: (labels: Record<string, string>) => boolean = () => true) =>
  scenario.counters.filter((c) => c.name === name && match(c.labels));
const increase = (specs: CounterSpec[], w: number) =>
  specs.reduce((sum, c) => sum + ages(w).reduce((s, age) => s + c.increment(age), 0), 0);
const histogram = (name: string) => scenario.histograms.find((h) => h.name === name)!;
const bucketIncrease = (h: HistogramSpec, w: number) =>
  h.bounds.map((_, b) => ages(w).reduce((s, age) => s + h.increments(age)[b]!, 0));
function quantile(q: number, bounds: number[], cumulative: number[]): number {
  const rank = q * cumulative.at(-1)!;
  const b = cumulative.findIndex((c) => c >= rank);
  if (bounds[b] === Infinity) return bounds[b - 1]!;
  const start = b === 0 ? 0 : bounds[b - 1]!;
  const below = b === 0 ? 0 : cumulative[b - 1]!;
  return start + (bounds[b]! - start) * ((rank - below) / (cumulative[b]! - below));
}
function gaugeMean(name: string, w: number): number {
  const series = scenario.gauges.filter((g) => g.name === name);
  const perSeries = series.map((g) => {
    const samples: number[] = [];
    for (let age = 0; age <= Math.min(w, scenario.spanSeconds); age += scenario.stepSeconds) samples.push(g.value(age));
    return samples.reduce((a, b) => a + b, 0) / samples.length;
  });
  return perSeries.reduce((a, b) => a + b, 0) / perSeries.length;
}

/** value (in the SLA's unit) and error ratio of each shipped SLA over a window of w seconds */
const model: Record<string, { value: (w: number) => number; errorRatio: (w: number) => number; budget: number }> = {
  'api-availability': {
    value: (w) => 100 * gaugeMean('probe_success', w),
    errorRatio: (w) => 1 - gaugeMean('probe_success', w),
    budget: 0.0005,
  },
  'api-latency-p95': {
    value: (w) =>
      quantile(
        0.95,
        histogram('http_request_duration_seconds').bounds,
        bucketIncrease(histogram('http_request_duration_seconds'), w),
      ),
    errorRatio: (w) => {
      const c = bucketIncrease(histogram('http_request_duration_seconds'), w);
      return 1 - c[2]! / c.at(-1)!;
    },
    budget: 0.05,
  },
  'api-error-rate': {
    value: (w) =>
      (100 *
        increase(
          counters('http_requests', (l) => l.code!.startsWith('5')),
          w,
        )) /
      increase(counters('http_requests'), w),
    errorRatio: (w) =>
      increase(
        counters('http_requests', (l) => l.code!.startsWith('5')),
        w,
      ) / increase(counters('http_requests'), w),
    budget: 0.01,
  },
  'ai-scoring-latency-p95': {
    value: (w) =>
      quantile(
        0.95,
        histogram('ai_scoring_duration_seconds').bounds,
        bucketIncrease(histogram('ai_scoring_duration_seconds'), w),
      ),
    errorRatio: (w) => {
      const c = bucketIncrease(histogram('ai_scoring_duration_seconds'), w);
      return 1 - c[3]! / c.at(-1)!;
    },
    budget: 0.05,
  },
  'ai-fallback-share': {
    value: (w) => (100 * increase(counters('ai_scoring_fallback'), w)) / increase(counters('ai_scoring_requests'), w),
    errorRatio: (w) => increase(counters('ai_scoring_fallback'), w) / increase(counters('ai_scoring_requests'), w),
    budget: 0.5,
  },
  'lead-scoring-throughput': {
    value: (w) => (100 * increase(counters('leads_scored'), w)) / increase(counters('leads_received'), w),
    errorRatio: (w) => Math.max(0, 1 - increase(counters('leads_scored'), w) / increase(counters('leads_received'), w)),
    budget: 0.01,
  },
  'webhook-success': {
    value: (w) =>
      (100 *
        increase(
          counters('webhooks_processed', (l) => l.outcome === 'success'),
          w,
        )) /
      increase(counters('webhooks_processed'), w),
    errorRatio: (w) =>
      increase(
        counters('webhooks_processed', (l) => l.outcome !== 'success'),
        w,
      ) / increase(counters('webhooks_processed'), w),
    budget: 0.005,
  },
  'trigger-job-failure-rate': {
    value: (w) =>
      (100 *
        increase(
          counters('trigger_job_runs', (l) => l.status === 'failed'),
          w,
        )) /
      increase(counters('trigger_job_runs'), w),
    errorRatio: (w) =>
      increase(
        counters('trigger_job_runs', (l) => l.status === 'failed'),
        w,
      ) / increase(counters('trigger_job_runs'), w),
    budget: 0.02,
  },
};

const evalDate = new Date(end * 1000);
const monthStart = Date.UTC(evalDate.getUTCFullYear(), evalDate.getUTCMonth(), 1);
const monthSeconds = (Date.UTC(evalDate.getUTCFullYear(), evalDate.getUTCMonth() + 1, 1) - monthStart) / 1000;
const windowOf = (id: string) =>
  id === 'webhook-success'
    ? { elapsed: Math.max(60, end - monthStart / 1000), total: monthSeconds }
    : { elapsed: 30 * DAY, total: 30 * DAY };
const burnWindows = { '5m': 300, '30m': 1800, '1h': 3600, '2h': 7200, '6h': 21600, '1d': DAY, '3d': 3 * DAY } as Record<
  string,
  number
>;
const pairs = [
  { long: '1h', short: '5m', spent: 0.02 },
  { long: '6h', short: '30m', spent: 0.05 },
  { long: '1d', short: '2h', spent: 0.1 },
  { long: '3d', short: '6h', spent: 0.1 },
];
const close = (actual: number | null, expected: number) => {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
};

interface StatusJson {
  roundTrips: number;
  evaluatedAt: string;
  partial: boolean;
  errors: string[];
  summary: Record<string, number>;
  slas: {
    id: string;
    status: string;
    value: number | null;
    window: { kind: string; totalSeconds: number };
    errorBudget: { allowed: number; errorRatio: number | null; consumed: number | null; remaining: number | null };
    burnRates: {
      long: string;
      short: string;
      factor: number;
      longRate: number | null;
      shortRate: number | null;
      firing: boolean;
    }[];
    timeToExhaustion: { seconds: number | null; exhausted: boolean };
    queries: { value: string; errorRatio: string; burn: Record<string, string> };
    freshness: {
      lastSampleAt: string | null;
      ageSeconds: number | null;
      staleAfterSeconds: number;
      stale: boolean;
    } | null;
  }[];
}

describe('sla status against a real Prometheus', () => {
  let result: Awaited<ReturnType<typeof sla>>;
  let report: StatusJson;
  beforeAll(async () => {
    result = await sla(['status', '--at', at, '-o', 'json']);
    report = JSON.parse(result.stdout);
  });

  it('exits 3 because SLAs are breached, and evaluates all eight shipped SLAs', () => {
    expect(result.stderr).toBe('');
    expect(result.exitCode, result.stderr).toBe(3);
    expect(report.slas.map((s) => s.id).sort()).toEqual(Object.keys(model).sort());
    expect(report.partial).toBe(false);
  });

  it('asks Prometheus once per query window: 7 burn windows, 30d, the month so far, and freshness', () => {
    expect(report.roundTrips).toBe(10);
  });

  it('finds every SLI fresh: its newest sample is the last of the scenario', () => {
    for (const s of report.slas)
      expect(s.freshness, s.id).toEqual({ lastSampleAt: at, ageSeconds: 0, staleAfterSeconds: 600, stale: false });
  });

  it('reports each value and status as computed from the series', () => {
    const thresholds: Record<string, { direction: 'higher' | 'lower'; warning: number; breach: number }> = {
      'api-availability': { direction: 'higher', warning: 99.97, breach: 99.95 },
      'api-latency-p95': { direction: 'lower', warning: 0.4, breach: 0.5 },
      'api-error-rate': { direction: 'lower', warning: 0.5, breach: 1 },
      'ai-scoring-latency-p95': { direction: 'lower', warning: 8, breach: 10 },
      'ai-fallback-share': { direction: 'lower', warning: 30, breach: 50 },
      'lead-scoring-throughput': { direction: 'higher', warning: 99.5, breach: 99 },
      'webhook-success': { direction: 'higher', warning: 99.8, breach: 99.5 },
      'trigger-job-failure-rate': { direction: 'lower', warning: 1, breach: 2 },
    };
    for (const s of report.slas) {
      const expected = model[s.id]!.value(windowOf(s.id).elapsed);
      close(s.value, expected);
      const t = thresholds[s.id]!;
      const worse = (a: number, b: number) => (t.direction === 'higher' ? a < b : a > b);
      expect(s.status, s.id).toBe(
        worse(expected, t.breach) ? 'breached' : worse(expected, t.warning) ? 'warning' : 'met',
      );
    }
    // the scenario was built to put the catalogue in every state
    const statuses = Object.fromEntries(report.slas.map((s) => [s.id, s.status]));
    expect(statuses).toMatchObject({
      'api-latency-p95': 'breached',
      'webhook-success': 'breached',
      'api-error-rate': 'warning',
      'api-availability': 'warning',
      'ai-fallback-share': 'met',
    });
    expect(report.summary).toEqual({ met: 2, warning: 4, breached: 2, stale: 0, no_data: 0, unknown: 0 });
  });

  it('reports the error budget spent and left over the SLA window', () => {
    for (const s of report.slas) {
      const m = model[s.id]!;
      const ratio = m.errorRatio(windowOf(s.id).elapsed);
      close(s.errorBudget.errorRatio, ratio);
      close(s.errorBudget.consumed, ratio / m.budget);
      close(s.errorBudget.remaining, 1 - ratio / m.budget);
    }
  });

  it('reports burn rates over the four window pairs with factors derived from the window', () => {
    for (const s of report.slas) {
      const m = model[s.id]!;
      const total = windowOf(s.id).total;
      expect(s.burnRates.map((b) => `${b.long}/${b.short}`)).toEqual(['1h/5m', '6h/30m', '1d/2h', '3d/6h']);
      s.burnRates.forEach((b, i) => {
        const pair = pairs[i]!;
        const factor = (pair.spent * total) / burnWindows[pair.long]!;
        expect(b.factor).toBeCloseTo(factor, 6);
        const longRate = m.errorRatio(burnWindows[b.long]!) / m.budget;
        const shortRate = m.errorRatio(burnWindows[b.short]!) / m.budget;
        close(b.longRate, longRate);
        close(b.shortRate, shortRate);
        expect(b.firing, `${s.id} ${b.long}/${b.short}`).toBe(longRate > factor && shortRate > factor);
      });
    }
    const thirtyDay = report.slas.find((s) => s.id === 'api-error-rate')!;
    expect(thirtyDay.burnRates.map((b) => b.factor)).toEqual([14.4, 6, 3, 1]);
    // 20 % errors in the last hour: the fast-burn page fires, the slower pairs do not
    expect(thirtyDay.burnRates.map((b) => b.firing)).toEqual([true, false, false, false]);
  });

  it("reports the time until the budget is exhausted at the last hour's burn rate", () => {
    for (const s of report.slas) {
      const m = model[s.id]!;
      const { elapsed, total } = windowOf(s.id);
      const remaining = 1 - m.errorRatio(elapsed) / m.budget;
      const burn = m.errorRatio(3600) / m.budget;
      if (remaining <= 0) {
        expect(s.timeToExhaustion).toEqual({ seconds: 0, exhausted: true, basis: '1h burn rate' });
      } else if (burn === 0) {
        expect(s.timeToExhaustion.seconds).toBeNull();
      } else {
        close(s.timeToExhaustion.seconds, (remaining * total) / burn);
        expect(s.timeToExhaustion.exhausted).toBe(false);
      }
    }
  });

  it('shows the exact PromQL evaluated, the window filled in', () => {
    const errorRate = report.slas.find((s) => s.id === 'api-error-rate')!;
    expect(errorRate.queries.value).toBe(
      '100 * sum(rate(http_requests_total{job="api",code=~"5.."}[30d])) / ' +
        'sum(rate(http_requests_total{job="api"}[30d]))',
    );
    expect(errorRate.queries.burn['5m']).toBe(
      'sum(rate(http_requests_total{job="api",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="api"}[5m]))',
    );
  });

  it('prints a table with statuses, firing alerts and the queries', async () => {
    const table = await sla(['status', '--at', at]);
    expect(table.exitCode, table.stderr).toBe(3);
    expect(table.stdout).toMatch(/api-latency-p95\s+breached\s+750 ms\s+≤ 500 ms/);
    expect(table.stdout).toMatch(/webhook-success\s+breached\s+99\.01 %/);
    expect(table.stdout).toContain('page: api-error-rate burns its budget 20× over 1h and 20× over 5m (factor 14.4');
    expect(table.stdout).toContain('api-error-rate: 100 * sum(rate(http_requests_total{job="api",code=~"5.."}[30d]))');
  });

  it(
    'derives the factors of a calendar-month SLA from that ' +
      'month\'s length, and says "no data" where there is none',
    async () => {
      const factors = async (when: string) => {
        const r = await sla(['status', '--at', when, '--sla', 'webhook-success', '-o', 'json']);
        const s = (JSON.parse(r.stdout) as StatusJson).slas[0]!;
        expect(s.status).toBe('no_data');
        expect(s.value).toBeNull();
        return s.burnRates.map((b) => b.factor);
      };
      // 31 days: 0.02 × 744 h / 1 h = 14.88 …; 28 days: 0.02 × 672 h = 13.44 …
      expect(await factors('2021-12-15T00:00:00Z')).toEqual([14.88, 6.2, 3.1, 1.033333]);
      expect(await factors('2021-02-15T00:00:00Z')).toEqual([13.44, 5.6, 2.8, 0.933333]);
    },
  );

  it('sends a password in the Prometheus URL as basic auth and never prints it', async () => {
    const url = new URL(prometheus.url);
    url.username = 'ops';
    url.password = 'pr0m-secret';
    const result = await sla(['status', '--at', at, '--sla', 'api-error-rate', '-o', 'json'], {
      MEDICALCOR_PROMETHEUS_URL: url.toString(),
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).prometheus).toBe(`http://ops:****@${url.host}/`);
    expect(result.stdout + result.stderr).not.toContain('pr0m-secret');
  });

  it('exits 0 when the SLAs asked for are met', async () => {
    const met = await sla(['status', '--at', at, '--sla', 'ai-fallback-share,trigger-job-failure-rate', '-o', 'json']);
    expect(met.exitCode, met.stderr).toBe(0);
    expect(JSON.parse(met.stdout).slas.map((s: { status: string }) => s.status)).toEqual(['met', 'met']);
  });
});

describe('sla status when Prometheus cannot be read', () => {
  it('exits 4, shows every SLA as unknown and says why', async () => {
    const port = await closedPort();
    const result = await sla(['status', '-o', 'json'], { MEDICALCOR_PROMETHEUS_URL: `http://127.0.0.1:${port}` });
    expect(result.exitCode, result.stderr).toBe(4);
    const report = JSON.parse(result.stdout) as StatusJson;
    expect(report.partial).toBe(true);
    expect(report.slas).toHaveLength(8);
    expect(report.slas.every((s) => s.status === 'unknown' && s.value === null)).toBe(true);
    expect(report.errors[0]).toContain(`Cannot reach Prometheus at http://127.0.0.1:${port}`);
    expect(result.stderr).toContain('partial result');
  });

  /** `sla status` of two SLAs over the shipped catalogue with one text of it replaced. */
  async function statusOfTamperedCatalogue(name: string, text: string, replacement: string) {
    const valid = readFileSync(new URL('../src/sla/platform.yaml', import.meta.url), 'utf8');
    const file = join(workDir, name);
    writeFileSync(
      file,
      valid.replace(text, () => replacement),
    );
    const slas = 'ai-fallback-share,trigger-job-failure-rate';
    return sla(['status', '--catalog', file, '--at', at, '--sla', slas, '-o', 'json']);
  }

  it('exits 4 and names the SLA when Prometheus refuses its query; the other SLAs are still evaluated', async () => {
    const result = await statusOfTamperedCatalogue(
      'bad-query.yaml',
      'value: 100 * sum(rate(ai_scoring_fallback_total[$window]))',
      'value: 100 * sum(rate(ai_scoring_fallback_total[$window])',
    );
    expect(result.exitCode, result.stderr).toBe(4);
    const report = JSON.parse(result.stdout) as StatusJson;
    expect(report.slas.map((s) => s.status)).toEqual(['unknown', 'met']);
    expect(report.errors[0]).toMatch(/^ai-fallback-share: bad_data: /);
  });

  it('exits 4 and names the SLA whose errorRatio gives a value outside 0..1 (a percentage, say)', async () => {
    const result = await statusOfTamperedCatalogue(
      'percent-ratio.yaml',
      'errorRatio: sum(rate(ai_scoring_fallback_total',
      'errorRatio: 100 * sum(rate(ai_scoring_fallback_total',
    );
    expect(result.exitCode, result.stderr).toBe(4);
    const report = JSON.parse(result.stdout) as StatusJson;
    expect(report.slas.map((s) => s.status)).toEqual(['unknown', 'met']);
    expect(report.errors[0]).toBe(
      'ai-fallback-share: errorRatio gave 10 over 30d; an error ratio lies in 0..1 ' +
        '(is it a percentage, or inverted?)',
    );
  });

  it('is a usage error (exit 2) with a hint when no Prometheus is configured', async () => {
    const result = await runInProcess(['sla', 'status'], { cwd: workDir });
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr).toContain('No Prometheus is configured for environment "local"');
    expect(result.stderr).toContain('MEDICALCOR_PROMETHEUS_URL');
    expect(result.stdout).toBe('');
  });
});

describe('sla catalogue validation', () => {
  const write = (name: string, text: string) => {
    const file = join(workDir, name);
    writeFileSync(file, text);
    return file;
  };
  const valid = readFileSync(new URL('../src/sla/platform.yaml', import.meta.url), 'utf8');

  it('lists the shipped catalogue', async () => {
    const result = await runInProcess(['sla', 'list', '-o', 'json'], { cwd: workDir });
    expect(result.exitCode, result.stderr).toBe(0);
    const list = JSON.parse(result.stdout);
    expect(list.slas.map((s: { id: string; direction: string }) => `${s.id}:${s.direction}`)).toEqual([
      'api-availability:higher',
      'api-latency-p95:lower',
      'api-error-rate:lower',
      'ai-scoring-latency-p95:lower',
      'ai-fallback-share:lower',
      'lead-scoring-throughput:higher',
      'webhook-success:higher',
      'trigger-job-failure-rate:lower',
    ]);
  });

  it('shows each budget exactly: 0.05 % is 0.05 %, with the runbook and staleAfter', async () => {
    const result = await runInProcess(['sla', 'list'], { cwd: workDir });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/api-availability .*≥ 99\.95 % .*30d\s+0\.05 %\s+10m\s+db-pool-exhausted/);
    expect(result.stdout).toMatch(/webhook-success .*calendar-month\s+0\.5 %\s+10m\s+dlq-replay/);
  });

  it('checks ranges strictly, naming the file, the SLA and the key (exit 2)', async () => {
    const cases: [string, string, string][] = [
      [
        'objective: 99.95',
        'objective: 199.95',
        'SLA api-availability: objective: 199.95 is outside 0..100, the range of a percent value',
      ],
      [
        'thresholds: { warning: 0.4, breach: 0.5 }',
        'thresholds: { warning: -0.4, breach: 0.5 }',
        'SLA api-latency-p95: thresholds.warning: -0.4 is outside 0..∞',
      ],
      ['errorBudget: 0.0005', 'errorBudget: 0', 'SLA api-availability: errorBudget: must be above 0'],
      [
        'errorBudget: 0.05\n    runbook: db-pool-exhausted',
        'errorBudget: 5\n    runbook: db-pool-exhausted',
        'SLA api-latency-p95: errorBudget: must be below 1',
      ],
      ['window: 30d', 'window: 1d', 'SLA api-availability: window: must be a rolling duration from 3d'],
      [
        '    runbook: dlq-replay',
        '    runbook: dlq-replay\n    staleAfter: 10s',
        'SLA webhook-success: staleAfter: must be a duration from 1m to 1d',
      ],
      ['    runbook: dlq-replay\n', '', 'SLA webhook-success: runbook: '],
    ];
    for (const [from, to, message] of cases) {
      expect(valid, from).toContain(from);
      const file = write('range.yaml', valid.replace(from, to));
      const result = await runInProcess(['sla', 'list', '--catalog', file], { cwd: workDir });
      expect(result.exitCode, `${to}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toContain(`${file}: ${message}`);
      expect(result.stdout).toBe('');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('names the file, the SLA and the field of a missing direction', async () => {
    const file = write('no-direction.yaml', valid.replace(/(id: api-error-rate[\s\S]*?)\n    direction: lower/, '$1'));
    const result = await runInProcess(['sla', 'list', '--catalog', file], { cwd: workDir });
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`error: ${file}: SLA api-error-rate: direction: `));
    expect(result.stdout).toBe('');
  });

  it('rejects thresholds on the wrong side for the direction, a bad window and a query without $window', async () => {
    const swapped = write(
      'swapped.yaml',
      valid.replace('thresholds: { warning: 0.4, breach: 0.5 }', 'thresholds: { warning: 0.6, breach: 0.5 }'),
    );
    let result = await runInProcess(['sla', 'list', '--catalog', swapped], { cwd: workDir });
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr).toContain(
      'SLA api-latency-p95: thresholds.warning: lower is better, so the warning threshold (0.6) must be at or below ' +
        'the breach threshold (0.5)',
    );

    const badWindow = write('window.yaml', valid.replace('window: calendar-month', 'window: monthly'));
    result = await runInProcess(['sla', 'list', '--catalog', badWindow], { cwd: workDir });
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr).toContain('SLA webhook-success: window: must be a rolling duration');

    const noRange = write(
      'range.yaml',
      valid.replace(
        'value: 100 * sum(rate(ai_scoring_fallback_total[$window])) / sum(rate(ai_scoring_requests_total[$window]))',
        () => 'value: 100 * sum(rate(ai_scoring_fallback_total[5m])) / sum(rate(ai_scoring_requests_total[5m]))',
      ),
    );
    result = await runInProcess(['sla', 'list', '--catalog', noRange], { cwd: workDir });
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr).toContain('SLA ai-fallback-share: sli.value: must use $window');
  });

  it('refuses an unknown SLA id, naming the known ones', async () => {
    const result = await sla(['status', '--sla', 'nope']);
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr).toContain('No SLA "nope"');
    expect(result.stderr).toContain('api-availability');
  });
});

describe('sla report', () => {
  const from = new Date((end - 6 * 3600) * 1000).toISOString();

  it('gives compliance and breach periods over the period (JSON)', async () => {
    const result = await sla(['report', '--from', from, '--to', at, '--step', '5m', '-o', 'json']);
    expect(result.exitCode, result.stderr).toBe(3);
    const report = JSON.parse(result.stdout) as {
      stepSeconds: number;
      slas: {
        id: string;
        value: number;
        compliant: boolean;
        breaches: { from: string; to: string; seconds: number; worstValue: number }[];
        breachedSeconds: number;
      }[];
    };
    expect(report.stepSeconds).toBe(300);
    const byId = Object.fromEntries(report.slas.map((s) => [s.id, s]));
    for (const id of Object.keys(model)) close(byId[id]!.value, model[id]!.value(6 * 3600));
    // scoring stopped for the last 30 minutes: one breach period, exactly those 30 minutes, at 0 %
    expect(byId['lead-scoring-throughput']!.breaches).toEqual([
      { from: new Date((end - 1800) * 1000).toISOString(), to: at, seconds: 1800, worstValue: 0 },
    ]);
    // 20 % errors for the last hour: one period of an hour
    expect(byId['api-error-rate']!.breaches).toMatchObject([
      { from: new Date((end - 3600) * 1000).toISOString(), to: at, seconds: 3600 },
    ]);
    expect(byId['api-error-rate']!.breaches[0]!.worstValue).toBeCloseTo(20, 9);
    expect(byId['api-error-rate']!.compliant).toBe(false);
    // p95 is 0.75 s in every step: the whole period is one breach
    expect(byId['api-latency-p95']!.breachedSeconds).toBe(6 * 3600);
    expect(byId['api-availability']!.breaches).toEqual([]);
    expect(byId['api-availability']!.compliant).toBe(true);
  });

  it('writes Markdown by default and HTML on request', async () => {
    const markdown = await sla(['report', '--from', from, '--to', at, '--step', '5m']);
    expect(markdown.exitCode, markdown.stderr).toBe(3);
    expect(markdown.stdout).toContain(
      `# SLA report ${new Date((end - 6 * 3600) * 1000).toISOString().replace('.000Z', 'Z')}`,
    );
    expect(markdown.stdout).toMatch(
      /\| Lead scoring throughput \(`lead-scoring-throughput`\) \| ≥ 99 % \| [\d.]+ % \| BREACHED \|/,
    );
    expect(markdown.stdout).toContain(
      `| ${new Date((end - 1800) * 1000).toISOString().replace('.000Z', 'Z')} | ${at.replace('.000Z', 'Z')} | 30m | ` +
        '0 % |',
    );

    const out = join(workDir, 'report.html');
    const html = await sla(['report', '--from', from, '--to', at, '--step', '5m', '--format', 'html', '--out', out]);
    expect(html.exitCode, html.stderr).toBe(3);
    expect(html.stdout).toBe('');
    const page = readFileSync(out, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('<code>lead-scoring-throughput</code>');
    expect(page).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)/);
  });

  it('--record stores the breach periods in sla_breaches, merging a re-run into the same rows', async () => {
    const db = await createTestDatabase('mc_sla');
    try {
      await applySchema(db.url);
      const iso = (t: number) => new Date(t * 1000).toISOString();
      const run = (to: number) =>
        sla(
          [
            'report',
            '--from',
            from,
            '--to',
            iso(to),
            '--step',
            '5m',
            '--record',
            '--sla',
            'lead-scoring-throughput,api-error-rate,api-availability',
            '-o',
            'json',
          ],
          { MEDICALCOR_DATABASE_URL: db.url },
        );
      const rows = async () =>
        (
          await db.pool.query<{
            sla_id: string;
            started_at: Date;
            ended_at: Date | null;
            worst_value: number;
            objective: number;
            severity: string;
          }>('select sla_id, started_at, ended_at, worst_value, objective, severity from sla_breaches order by sla_id')
        ).rows;

      let result = await run(end - 600);
      expect(result.exitCode, result.stderr).toBe(3);
      expect(result.stderr).toContain('sla_breaches: 2 breach period(s) added, 0 merged');
      let stored = await rows();
      expect(
        stored.map((r) => [r.sla_id, r.started_at.toISOString(), r.ended_at?.toISOString(), r.objective, r.severity]),
      ).toEqual([
        ['api-error-rate', iso(end - 3600), iso(end - 600), 1, 'breach'],
        ['lead-scoring-throughput', iso(end - 1800), iso(end - 600), 99, 'breach'],
      ]);
      expect(stored[1]!.worst_value).toBe(0);

      // five minutes later the same breaches are longer, not new
      result = await run(end - 300);
      expect(result.stderr).toContain('sla_breaches: 0 breach period(s) added, 2 merged');
      stored = await rows();
      expect(stored.map((r) => [r.sla_id, r.started_at.toISOString(), r.ended_at?.toISOString()])).toEqual([
        ['api-error-rate', iso(end - 3600), iso(end - 300)],
        ['lead-scoring-throughput', iso(end - 1800), iso(end - 300)],
      ]);
    } finally {
      await db.drop();
    }
  });

  it('refuses a period that ends before it starts', async () => {
    const result = await sla(['report', '--from', at, '--to', from]);
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr).toContain('must be at least a minute before --to');
  });
});
