import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from './helpers/in-process.js';
import { platformScenario, startScenarioPrometheus, type TestPrometheus } from './helpers/prometheus.js';

/*
 * A dead exporter: the platform's series stop 25 minutes or more before now. The figures over
 * 30 days still look healthy, and that is exactly what must not be reported as healthy.
 */

const lastSample = Math.floor(Date.now() / 1000 / 300) * 300 - 1_500;
let prometheus: TestPrometheus;
let workDir: string;

beforeAll(async () => {
  prometheus = await startScenarioPrometheus(platformScenario(lastSample));
  workDir = mkdtempSync(join(tmpdir(), 'mc-sla-stale-'));
});
afterAll(async () => {
  await prometheus?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const run = (args: string[]) =>
  runInProcess(args, { cwd: workDir, env: { MEDICALCOR_PROMETHEUS_URL: prometheus.url } });

interface StatusJson {
  roundTrips: number;
  evaluatedAt: string;
  partial: boolean;
  summary: Record<string, number>;
  slas: {
    id: string;
    status: string;
    valueStatus: string;
    freshness: { lastSampleAt: string | null; ageSeconds: number | null; staleAfterSeconds: number; stale: boolean };
  }[];
}

describe('an SLI without samples for longer than staleAfter', () => {
  it('is stale with the age of its last sample, and the command exits 4 (partial), not 0', async () => {
    const result = await run(['sla', 'status', '--sla', 'ai-fallback-share,trigger-job-failure-rate', '-o', 'json']);
    expect(result.exitCode, result.stderr).toBe(4);
    const report = JSON.parse(result.stdout) as StatusJson;
    const age = Date.parse(report.evaluatedAt) / 1000 - lastSample;
    for (const s of report.slas) {
      // its value alone is still "met": the old samples are fine, there are just no new ones
      expect(s).toMatchObject({ status: 'stale', valueStatus: 'met' });
      expect(s.freshness.lastSampleAt).toBe(new Date(lastSample * 1000).toISOString());
      expect(s.freshness.ageSeconds).toBeCloseTo(age, 0);
      expect(s.freshness.staleAfterSeconds).toBe(600);
    }
    expect(report.partial).toBe(true);
    expect(report.summary.stale).toBe(2);
    // 7 burn windows, 30d, freshness over staleAfter, and once more over a day for the stale ones
    expect(report.roundTrips).toBe(10);
    expect(result.stderr).toContain('partial result: stale: ai-fallback-share, trigger-job-failure-rate');

    const table = await run(['sla', 'status', '--sla', 'ai-fallback-share']);
    expect(table.exitCode).toBe(4);
    expect(table.stdout).toMatch(/ai-fallback-share\s+stale \(\d+m( \d+s)? ago\)/);
    expect(table.stdout).toContain('stale: ai-fallback-share: last sample');
  });

  it('is not stale while the last sample is younger than staleAfter', async () => {
    const at = new Date((lastSample + 540) * 1000).toISOString();
    const result = await run(['sla', 'status', '--at', at, '--sla', 'ai-fallback-share', '-o', 'json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const s = (JSON.parse(result.stdout) as StatusJson).slas[0]!;
    expect(s.status).toBe('met');
    expect(s.freshness).toMatchObject({ ageSeconds: 540, stale: false });
  });

  it('exits 3 when another SLA is breached: a problem found wins over partial', async () => {
    // api-latency-p95 (p95 750 ms, breached) may be quiet for a day; the others keep the default 10m
    const catalogue = readFileSync(new URL('../src/sla/platform.yaml', import.meta.url), 'utf8').replace(
      /(id: api-latency-p95[\s\S]*?runbook: db-pool-exhausted)/,
      '$1\n    staleAfter: 1d',
    );
    const file = join(workDir, 'one-patient.yaml');
    writeFileSync(file, catalogue);
    const result = await run([
      'sla',
      'status',
      '--catalog',
      file,
      '--sla',
      'api-latency-p95,ai-fallback-share',
      '-o',
      'json',
    ]);
    expect(result.exitCode, result.stderr).toBe(3);
    const report = JSON.parse(result.stdout) as StatusJson;
    expect(report.slas.map((s) => `${s.id}:${s.status}`)).toEqual([
      'api-latency-p95:breached',
      'ai-fallback-share:stale',
    ]);
    expect(report.partial).toBe(true);
  });

  it('makes `check` warn, naming the SLAs and the age', async () => {
    // every SLA is stale here, api-latency-p95 and webhook-success too, whose old figures are breached:
    // figures of the past are neither healthy nor a breach of now
    const result = await run(['check', '--only', 'sla', '-o', 'json']);
    const check = (JSON.parse(result.stdout).checks as { id: string; status: string; summary: string }[]).find(
      (c) => c.id === 'sla',
    )!;
    expect(check.status, check.summary).toBe('warn');
    expect(check.summary).toMatch(/^stale SLIs, not healthy: api-availability \(last sample \d+m( \d+s)? ago\), /);
    expect(check.summary).toContain('api-latency-p95 (last sample');
  });
});
