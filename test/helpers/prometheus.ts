import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';

/** One sample line: seconds since the epoch (OpenMetrics timestamps are in seconds). */
export interface OmSample {
  name: string;
  labels: Record<string, string>;
  time: number;
  value: number;
}

export interface OmFamily {
  name: string;
  type: 'counter' | 'gauge' | 'histogram';
  samples: OmSample[];
}

const labelText = (labels: Record<string, string>) => {
  const entries = Object.entries(labels);
  return entries.length
    ? `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`
    : '';
};

/** OpenMetrics text with timestamps, as promtool reads it: families, then `# EOF`. */
export function toOpenMetrics(families: readonly OmFamily[]): string {
  const out: string[] = [];
  for (const f of families) {
    out.push(`# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) out.push(`${s.name}${labelText(s.labels)} ${s.value} ${s.time}`);
  }
  out.push('# EOF');
  return `${out.join('\n')}\n`;
}

export interface TestPrometheus {
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A port nothing listens on, for "Prometheus is down" tests. */
export const closedPort = freePort;

export interface PrometheusOptions {
  /** a rule file (YAML) the server loads and evaluates every evaluationInterval */
  rules?: string;
  /** default 1h (nothing to scrape); rule tests want seconds */
  evaluationInterval?: string;
}

/**
 * A real Prometheus (the Debian package's binary) on a free loopback port, its TSDB made from
 * `openMetrics` by `promtool tsdb create-blocks-from openmetrics` before it starts. It scrapes
 * nothing; retention is long so the backfilled blocks are kept. With `rules`, it evaluates them
 * like a production server does (recording rules written back, alerts on /api/v1/alerts).
 */
export async function startPrometheus(openMetrics: string, options: PrometheusOptions = {}): Promise<TestPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'mc-prom-'));
  const data = join(dir, 'data');
  const input = join(dir, 'series.om');
  const config = join(dir, 'prometheus.yml');
  writeFileSync(input, openMetrics);
  const global = `global:\n  scrape_interval: 1h\n  evaluation_interval: ${options.evaluationInterval ?? '1h'}\n`;
  if (options.rules !== undefined) writeFileSync(join(dir, 'rules.yml'), options.rules);
  writeFileSync(
    config,
    options.rules === undefined ? global : `${global}rule_files: [${JSON.stringify(join(dir, 'rules.yml'))}]\n`,
  );
  await execa('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', input, data]);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ResultPromise = execa(
    'prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=100y',
      '--log.level=warn',
    ],
    { reject: false, stdin: 'ignore', stdout: 'ignore', stderr: 'pipe', buffer: true },
  );

  const stop = async () => {
    child.kill('SIGTERM');
    await child;
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) break;
    try {
      const response = await fetch(`${url}/-/ready`);
      if (response.ok) return { url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const result = await (child.exitCode !== null ? child : (child.kill('SIGKILL'), child));
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`Prometheus did not become ready on ${url}: ${String(result.stderr).slice(-2000)}`);
}

export const COUNTER_START = 1e9;

/** A counter defined by its increment at each sample, by the sample's age (seconds before the end). */
export interface CounterSpec {
  name: string;
  labels: Record<string, string>;
  increment: (age: number) => number;
}

export interface GaugeSpec {
  name: string;
  labels: Record<string, string>;
  value: (age: number) => number;
}

/** A histogram: `increments(age)` gives how many observations fell at or under each bound (cumulative, +Inf last). */
export interface HistogramSpec {
  name: string;
  labels: Record<string, string>;
  bounds: number[];
  increments: (age: number) => number[];
}

export interface Scenario {
  /** the last sample's time, seconds */
  end: number;
  stepSeconds: number;
  /** how far back the series go */
  spanSeconds: number;
  counters: CounterSpec[];
  gauges: GaugeSpec[];
  histograms: HistogramSpec[];
}

/**
 * Every sample of a scenario, oldest first per series. Counters start high so that Prometheus'
 * extrapolation toward zero never applies: then a window reaching past the first sample scales
 * every series alike, and a ratio of rates is exactly the ratio of increases.
 */
export function scenarioFamilies(s: Scenario): OmFamily[] {
  const ages: number[] = [];
  for (let age = s.spanSeconds; age >= 0; age -= s.stepSeconds) ages.push(age);
  const counterSamples = (name: string, labels: Record<string, string>, increment: (age: number) => number) => {
    let value = COUNTER_START;
    return ages.map((age, i) => {
      if (i > 0) value += increment(age);
      return { name, labels, time: s.end - age, value };
    });
  };
  const families: OmFamily[] = [];
  const byName = new Map<string, OmFamily>();
  const family = (name: string, type: OmFamily['type']) => {
    let f = byName.get(name);
    if (!f) byName.set(name, (f = { name, type, samples: [] })), families.push(f);
    return f;
  };
  for (const c of s.counters)
    family(c.name, 'counter').samples.push(...counterSamples(`${c.name}_total`, c.labels, c.increment));
  for (const g of s.gauges)
    family(g.name, 'gauge').samples.push(
      ...ages.map((age) => ({ name: g.name, labels: g.labels, time: s.end - age, value: g.value(age) })),
    );
  for (const h of s.histograms) {
    const f = family(h.name, 'histogram');
    h.bounds.forEach((bound, b) => {
      const le = bound === Infinity ? '+Inf' : String(bound);
      f.samples.push(...counterSamples(`${h.name}_bucket`, { ...h.labels, le }, (age) => h.increments(age)[b]!));
    });
    f.samples.push(...counterSamples(`${h.name}_count`, h.labels, (age) => h.increments(age).at(-1)!));
    f.samples.push(...counterSamples(`${h.name}_sum`, h.labels, (age) => h.increments(age).at(-1)! * h.bounds[0]!));
  }
  return families;
}

const MINUTE = 60;
const HOUR = 3_600;
const DAY = 86_400;

/**
 * The platform's metrics over the last 4 days at a 5-minute step, shaped so the shipped SLAs land
 * in every state: (api-availability: one failed probe of two probers 2 days ago; api-error-rate:
 * 20 % errors in the last hour; api-latency-p95: p95 0.75 s; ai-scoring-latency-p95: p95 ≈ 9.17 s;
 * ai-fallback-share: 10 %; lead-scoring-throughput: nothing scored in the last 30 minutes;
 * webhook-success: 99.01 %; trigger-job-failure-rate: 0.5 %).
 */
export function platformScenario(end: number): Scenario {
  return {
    end,
    stepSeconds: 5 * MINUTE,
    spanSeconds: 4 * DAY,
    gauges: [
      {
        name: 'probe_success',
        labels: { job: 'blackbox', target: 'api', prober: 'eu' },
        value: (age) => (age === 2 * DAY ? 0 : 1),
      },
      { name: 'probe_success', labels: { job: 'blackbox', target: 'api', prober: 'us' }, value: () => 1 },
    ],
    counters: [
      { name: 'http_requests', labels: { job: 'api', code: '200' }, increment: (age) => 1000 - (age < HOUR ? 200 : 3) },
      { name: 'http_requests', labels: { job: 'api', code: '500' }, increment: (age) => (age < HOUR ? 200 : 3) },
      { name: 'ai_scoring_requests', labels: {}, increment: () => 100 },
      { name: 'ai_scoring_fallback', labels: {}, increment: () => 10 },
      { name: 'leads_received', labels: {}, increment: () => 50 },
      { name: 'leads_scored', labels: {}, increment: (age) => (age < 30 * MINUTE ? 0 : 50) },
      { name: 'webhooks_processed', labels: { source: 'whatsapp', outcome: 'success' }, increment: () => 200 },
      { name: 'webhooks_processed', labels: { source: 'whatsapp', outcome: 'failure' }, increment: () => 2 },
      { name: 'trigger_job_runs', labels: { task: 'score-lead', status: 'completed' }, increment: () => 199 },
      { name: 'trigger_job_runs', labels: { task: 'score-lead', status: 'failed' }, increment: () => 1 },
    ],
    histograms: [
      {
        name: 'http_request_duration_seconds',
        labels: { job: 'api' },
        bounds: [0.1, 0.25, 0.5, 1, 2.5, Infinity],
        increments: () => [500, 800, 920, 980, 1000, 1000],
      },
      {
        name: 'ai_scoring_duration_seconds',
        labels: {},
        bounds: [1, 2.5, 5, 10, 20, Infinity],
        increments: () => [20, 60, 85, 97, 100, 100],
      },
    ],
  };
}

/** A Prometheus backfilled with a scenario's series (see `platformScenario`). */
export function startScenarioPrometheus(scenario: Scenario, options: PrometheusOptions = {}): Promise<TestPrometheus> {
  return startPrometheus(toOpenMetrics(scenarioFamilies(scenario)), options);
}
