import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadCatalogue, ruleTestsFor, rulesFor, type AlertingRule, type RecordingRule } from '../src/core/sla/index.js';
import { repoRoot } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';

/*
 * `sla rules` output checked by the real promtool: `check rules` for the file, and `test rules` for
 * the generated unit tests, which must fail when the rules are wrong. The expected minutes of the
 * generated tests are checked here against arithmetic done by hand.
 */

const shipped = join(repoRoot, 'src', 'sla', 'platform.yaml');
const catalogue = loadCatalogue(shipped);
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mc-sla-rules-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const promtool = (args: string[], cwd = dir) =>
  execa('promtool', args, { cwd, reject: false, all: true, timeout: 540_000 });
const isAlert = (r: RecordingRule | AlertingRule): r is AlertingRule => 'alert' in r;

describe('the generated rule file', () => {
  const rules = rulesFor(catalogue.slas);

  it('has, per SLA, the error ratio over every burn window and the SLA window, the budget left, and the alerts', () => {
    expect(rules.groups.map((g) => g.name)).toEqual(catalogue.slas.map((s) => `sla-${s.id}`));
    const group = rules.groups.find((g) => g.name === 'sla-api-error-rate')!;
    const records = group.rules.filter((r): r is RecordingRule => !isAlert(r));
    expect(records.map((r) => r.record)).toEqual([
      ...['5m', '30m', '1h', '2h', '6h', '1d', '3d'].map((w) => `sla:sli_error:ratio_rate${w}`),
      'sla:sli_error:ratio_rate_period',
      'sla:error_budget:allowed',
      'sla:error_budget:remaining',
    ]);
    expect(records[0]!.expr).toBe(
      'sum(rate(http_requests_total{job="api",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="api"}[5m]))',
    );
    expect(records[7]).toMatchObject({
      expr: expect.stringContaining('[30d]'),
      labels: { sla: 'api-error-rate', window: '30d' },
    });
    expect(records[9]!.expr).toBe('1 - sla:sli_error:ratio_rate_period{sla="api-error-rate"} / 0.01');
  });

  it(
    'alerts on the workbook pairs (page 14.4x 1h/5m and 6x 6h/30m; ' +
      'ticket 3x 1d/2h and 1x 3d/6h) with sla, severity and runbook',
    () => {
      const alerts = rules.groups.find((g) => g.name === 'sla-api-availability')!.rules.filter(isAlert);
      expect(
        alerts.map((a) => [
          a.alert,
          a.labels.severity,
          a.labels.long_window,
          a.labels.short_window,
          a.labels.burn_factor,
        ]),
      ).toEqual([
        ['SLAErrorBudgetBurn', 'page', '1h', '5m', '14.4'],
        ['SLAErrorBudgetBurn', 'page', '6h', '30m', '6'],
        ['SLAErrorBudgetBurn', 'ticket', '1d', '2h', '3'],
        ['SLAErrorBudgetBurn', 'ticket', '3d', '6h', '1'],
        ['SLASLIStale', 'ticket', undefined, undefined, undefined],
      ]);
      expect(alerts[0]!.expr).toBe(
        '(sla:sli_error:ratio_rate1h{sla="api-availability"} > (14.4 * 0.0005)) and ' +
          '(sla:sli_error:ratio_rate5m{sla="api-availability"} > (14.4 * 0.0005))',
      );
      expect(alerts[4]!.expr).toBe('max(absent_over_time(probe_success{job="blackbox",target="api"}[10m]))');
      for (const group of rules.groups) {
        const sla = catalogue.slas.find((s) => `sla-${s.id}` === group.name)!;
        for (const alert of group.rules.filter(isAlert)) {
          expect(alert.labels).toMatchObject({ sla: sla.id, runbook: sla.runbook });
          expect(['page', 'ticket']).toContain(alert.labels.severity);
          expect(alert.annotations.command).toBe(`medicalcor sla status --sla ${sla.id}`);
          expect(alert.annotations.runbook_command).toBe(`medicalcor runbook run ${sla.runbook}`);
        }
      }
      // a calendar-month SLA is alerted over a rolling 30 days, with the 30-day factors
      const monthly = rules.groups.find((g) => g.name === 'sla-webhook-success')!.rules.filter(isAlert);
      expect(monthly.slice(0, 4).map((a) => a.labels.burn_factor)).toEqual(['14.4', '6', '3', '1']);
    },
  );

  it('names, for every shipped SLA, a runbook that exists in src/runbooks', () => {
    const ids = readdirSync(join(repoRoot, 'src', 'runbooks'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => (parseYaml(readFileSync(join(repoRoot, 'src', 'runbooks', f), 'utf8')) as { id: string }).id);
    expect(catalogue.slas).toHaveLength(8);
    for (const sla of catalogue.slas) expect(ids, sla.id).toContain(sla.runbook);
  });
});

describe('the generated promtool tests', () => {
  const { expectations } = ruleTestsFor(catalogue.slas, 'rules.yml');
  const find = (sla: string, long: string) => expectations.find((e) => e.sla === sla && e.long === long)!;

  it('expect each alert at the minute the arithmetic gives', () => {
    // api-error-rate: errors at 2.2 × 14.4 × 1 % = 31.68 % from minute 10; the 1h ratio passes 14.4 %
    // when 60 × 0.144 / 0.3168 = 27.27 minutes are inside it: minute 38 (the 5m one passed at 13)
    const page = find('api-error-rate', '1h');
    expect(page.errorRatio).toBeCloseTo(0.3168, 12);
    // the burst lasts until the slowest pair has fired: 4320 × 0.01 / 0.3168 = 136.4 → 137 + 15 minutes
    expect(page.burst).toEqual({ from: 10, to: 162 });
    // it stops when the 5m window holds less than 5 × 0.144 / 0.3168 = 2.27 minutes of errors: 162 + 2.73
    expect([page.firesAt, page.resolvesAt]).toEqual([38, 165]);
    // the 3d/6h ticket: 6h ratio passes 1 % after 360 × 0.01 / 0.3168 = 11.4 min, the 3d one after 136.4
    expect([find('api-error-rate', '3d').firesAt, find('api-error-rate', '3d').resolvesAt]).toEqual([147, 511]);

    // a 50 % budget: 14.4x, 6x and 3x of it are beyond 100 % errors, and never fire
    const fallback = expectations.filter((e) => e.sla === 'ai-fallback-share');
    expect(fallback.map((e) => e.firesAt)).toEqual([null, null, null, 2201]);
    // 1x: errors at 98.63 % (100 % would put a sample exactly on the threshold), the 3d ratio passes
    // 50 % after 2160 / 0.9863 = 2190.006 minutes: minute 2201; the 6h one falls under 50 % at 2393.5
    expect(fallback[3]!.errorRatio).toBeCloseTo(0.9863, 12);
    expect(fallback[3]!.resolvesAt).toBe(2394);
  });
});

describe('medicalcor sla rules', () => {
  it('writes a rule file that promtool checks, and tests that promtool runs and passes', async () => {
    const result = await runInProcess(['sla', 'rules', '--out', 'sla.rules.yml', '--tests', 'sla.rules.test.yml'], {
      cwd: dir,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain('8 SLA group(s), 120 rules');
    expect(result.stderr).toContain('note: ai-fallback-share: the 1h/5m alert can never fire');
    const check = await promtool(['check', 'rules', 'sla.rules.yml']);
    expect(check.exitCode, check.all).toBe(0);
    expect(check.all).toContain('SUCCESS: 120 rules found');
    const test = await promtool(['test', 'rules', 'sla.rules.test.yml']);
    expect(test.exitCode, test.all).toBe(0);
    expect(test.all).toContain('SUCCESS');
  }, 600_000);

  it('generates tests that fail when a factor or a runbook label in the rules is wrong', async () => {
    const result = await runInProcess(
      ['sla', 'rules', '--sla', 'api-error-rate', '--out', 'one.rules.yml', '--tests', 'one.rules.test.yml'],
      { cwd: dir },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    expect((await promtool(['test', 'rules', 'one.rules.test.yml'])).exitCode).toBe(0);
    const good = readFileSync(join(dir, 'one.rules.yml'), 'utf8');

    writeFileSync(join(dir, 'one.rules.yml'), good.split('(14.4 * 0.01)').join('(12 * 0.01)'));
    let test = await promtool(['test', 'rules', 'one.rules.test.yml']);
    expect(test.exitCode).toBe(1);
    expect(test.all).toMatch(/alertname: SLAErrorBudgetBurn, time: 3[0-9]m/);

    writeFileSync(join(dir, 'one.rules.yml'), good.replace('runbook: db-pool-exhausted', 'runbook: openai-outage'));
    test = await promtool(['test', 'rules', 'one.rules.test.yml']);
    expect(test.exitCode).toBe(1);
    expect(test.all).toContain('openai-outage');
  }, 600_000);

  it('prints the rules on stdout (YAML, or JSON with -o json) for promtool to read', async () => {
    for (const format of [[], ['-o', 'json']]) {
      const result = await runInProcess(['sla', 'rules', '--sla', 'api-availability', ...format], { cwd: dir });
      expect(result.exitCode, result.stderr).toBe(0);
      writeFileSync(join(dir, 'stdout.rules'), result.stdout);
      const check = await promtool(['check', 'rules', 'stdout.rules']);
      expect(check.exitCode, check.all).toBe(0);
      expect(check.all).toContain('SUCCESS: 15 rules found');
    }
  });

  it('refuses --tests without --out (exit 2), and an invalid catalogue naming its file and key', async () => {
    let result = await runInProcess(['sla', 'rules', '--tests', 't.yml'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--tests needs --out');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, readFileSync(shipped, 'utf8').replace('errorBudget: 0.0005', 'errorBudget: 1.5'));
    result = await runInProcess(['sla', 'rules', '--catalog', bad], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`${bad}: SLA api-availability: errorBudget: must be below 1`);
    expect(result.stdout).toBe('');
  });

  it('matches the copies shipped in test/sla-rules (regenerate them with the command in their header)', async () => {
    const result = await runInProcess(
      ['sla', 'rules', '--out', 'platform.rules.yml', '--tests', 'platform.rules.test.yml'],
      { cwd: dir },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    for (const file of ['platform.rules.yml', 'platform.rules.test.yml']) {
      expect(readFileSync(join(repoRoot, 'test', 'sla-rules', file), 'utf8'), file).toBe(
        readFileSync(join(dir, file), 'utf8'),
      );
    }
  });
});
