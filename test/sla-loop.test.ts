import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BURN_WINDOWS, loadCatalogue, rulesFor, serializeRuleFile } from '../src/core/sla/index.js';
import { repoRoot } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { platformScenario, startScenarioPrometheus, type TestPrometheus } from './helpers/prometheus.js';

/*
 * The generated rules loaded into a real Prometheus that evaluates them every second over the
 * backfilled platform series: the recorded values must be what `sla status` prints for the same
 * instant, and an alert those rules raise, sent as AlertManager would send it, must be answered
 * by `runbook for-alert` with the runbook its label names.
 */

// samples every minute up to the start of the test: the server evaluates the rules at "now", and a
// rate over 5m needs two samples inside those 5 minutes (the platform scenario steps 5 minutes)
const end = Math.floor(Date.now() / 1000 / 60) * 60;
const catalogue = loadCatalogue(join(repoRoot, 'src', 'sla', 'platform.yaml'));
let prometheus: TestPrometheus;
let db: TestDatabase;
let workDir: string;

beforeAll(async () => {
  prometheus = await startScenarioPrometheus(
    { ...platformScenario(end), stepSeconds: 60 },
    {
      rules: serializeRuleFile(rulesFor(catalogue.slas), 'platform.yaml'),
      evaluationInterval: '1s',
    },
  );
  workDir = mkdtempSync(join(tmpdir(), 'mc-sla-loop-'));
  // nothing slow between here and the checks: a 5m rate needs two samples younger than 5 minutes
}, 180_000);
afterAll(async () => {
  await prometheus?.stop();
  await db?.drop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

async function instant(query: string, time?: number): Promise<Sample[]> {
  const params = new URLSearchParams({ query, ...(time === undefined ? {} : { time: String(time) }) });
  const body = (await (await fetch(`${prometheus.url}/api/v1/query?${params}`)).json()) as {
    status: string;
    data: { result: Sample[] };
  };
  expect(body.status).toBe('success');
  return body.data.result;
}

/** Waits until the server has evaluated a rule group at least once (it starts each group at its own offset). */
async function recorded(query: string): Promise<Sample[]> {
  for (let i = 0; i < 600; i++) {
    const found = await instant(query);
    if (found.length) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Prometheus recorded nothing for ${query}`);
}

const close = (actual: number | null | undefined, expected: number, what: string) => {
  expect(actual, what).not.toBeNull();
  expect(Math.abs(actual! - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
    1e-12 * Math.max(1, Math.abs(expected)),
  );
};

describe('the generated recording rules in a real Prometheus', () => {
  it('record, at the instant they are evaluated, the burn ' +
    'rates and budget `sla status` prints for that instant', async () => {
    for (const sla of catalogue.slas) {
      // the instant this SLA's group was evaluated, read from the recorded sample itself
      const [stamp] = await recorded(`timestamp(sla:sli_error:ratio_rate5m{sla="${sla.id}"})`);
      const at = Number(stamp!.value[1]);
      const value = async (series: string) => {
        const found = await instant(`${series}{sla="${sla.id}"}`, at);
        expect(found, `${series} of ${sla.id}`).toHaveLength(1);
        return Number(found[0]!.value[1]);
      };
      const result = await runInProcess(
        ['sla', 'status', '--sla', sla.id, '--at', new Date(at * 1000).toISOString(), '-o', 'json'],
        {
          cwd: workDir,
          env: { MEDICALCOR_PROMETHEUS_URL: prometheus.url },
        },
      );
      expect([0, 3]).toContain(result.exitCode);
      const status = JSON.parse(result.stdout).slas[0] as {
        errorBudget: { errorRatio: number; remaining: number };
        burnRates: { long: string; short: string; longRate: number; shortRate: number }[];
      };
      const rates = new Map(
        status.burnRates.flatMap((b) => [
          [b.long, b.longRate],
          [b.short, b.shortRate],
        ]),
      );
      for (const w of BURN_WINDOWS)
        close(
          (await value(`sla:sli_error:ratio_rate${w.label}`)) / sla.errorBudget,
          rates.get(w.label)!,
          `${sla.id} ${w.label}`,
        );
      if (sla.window !== 'calendar-month') {
        // a calendar month cannot be written in a rule: the rules use a rolling 30 days there
        close(await value('sla:sli_error:ratio_rate_period'), status.errorBudget.errorRatio, `${sla.id} period ratio`);
        close(await value('sla:error_budget:remaining'), status.errorBudget.remaining, `${sla.id} budget left`);
      }
    }
  }, 240_000);
});

interface ApiAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  activeAt: string;
  value: string;
}

describe('closed loop: rule → alert → AlertManager payload → runbook for-alert', () => {
  it('answers the page the rules raise for api-error-rate with the runbook named in its label', async () => {
    let page: ApiAlert | undefined;
    for (let i = 0; i < 600 && !page; i++) {
      const body = (await (await fetch(`${prometheus.url}/api/v1/alerts`)).json()) as { data: { alerts: ApiAlert[] } };
      page = body.data.alerts.find(
        (a) => a.state === 'firing' && a.labels.sla === 'api-error-rate' && a.labels.long_window === '1h',
      );
      if (!page) await new Promise((r) => setTimeout(r, 100));
    }
    expect(page, 'the 1h/5m page of api-error-rate (20 % errors in the last hour) fires').toBeDefined();
    expect(page!.labels).toMatchObject({
      alertname: 'SLAErrorBudgetBurn',
      severity: 'page',
      runbook: 'db-pool-exhausted',
    });
    // db-pool-exhausted does not list SLAErrorBudgetBurn among its alerts: only the label can pick it
    const payload = {
      receiver: 'medicalcor-runbooks',
      status: 'firing',
      alerts: [
        {
          status: 'firing',
          labels: page!.labels,
          annotations: page!.annotations,
          startsAt: page!.activeAt,
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: `${prometheus.url}/graph`,
          fingerprint: 'a1b2c3d4e5f60718',
        },
      ],
      groupLabels: { alertname: 'SLAErrorBudgetBurn', sla: 'api-error-rate' },
      commonLabels: page!.labels,
      commonAnnotations: page!.annotations,
      externalURL: 'http://alertmanager.local:9093',
      version: '4',
      groupKey: '{}:{alertname="SLAErrorBudgetBurn", sla="api-error-rate"}',
      truncatedAlerts: 0,
    };
    const file = join(workDir, 'payload.json');
    writeFileSync(file, JSON.stringify(payload));
    // the database the runbook's SQL steps read, made once the alert is in hand
    db = await createTestDatabase('mc_sla_loop');
    await applySchema(db.url);
    const result = await runInProcess(['runbook', 'for-alert', file, '-o', 'json'], {
      cwd: workDir,
      env: { MEDICALCOR_DATABASE_URL: db.url },
    });
    expect(result.stderr).toContain('alert SLAErrorBudgetBurn: runbook db-pool-exhausted');
    const answer = JSON.parse(result.stdout) as {
      alerts: { alertname: string; runbook: string | null; status: string }[];
      runs: { runbook: string; steps: { id: string; status: string }[] }[];
    };
    expect(answer.alerts).toMatchObject([{ alertname: 'SLAErrorBudgetBurn', runbook: 'db-pool-exhausted' }]);
    // a dry run: its read-only SQL steps ran against the database, the restart was not made
    expect(answer.runs[0]!.runbook).toBe('db-pool-exhausted');
    expect(answer.runs[0]!.steps.find((s) => s.id === 'connections')!.status).toBe('succeeded');
    expect(answer.runs[0]!.steps.find((s) => s.id === 'restart-api')!.status).not.toBe('succeeded');
  }, 120_000);
});
