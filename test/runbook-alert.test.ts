/**
 * `medicalcor runbook for-alert`: an AlertManager webhook payload (version 4, as AlertManager
 * posts it) picks the runbook of each firing alert and fills its parameters from the labels.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRunbooks, matchAlerts, parseAlertPayload, resolveParameters } from '../src/core/runbook/index.js';
import { repoRoot } from './helpers/cli.js';
import { runInProcess as runCli } from './helpers/in-process.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';

let db: TestDatabase;
let project: string;

const alert = (status: 'firing' | 'resolved', labels: Record<string, string>, fingerprint: string) => ({
  status,
  labels,
  annotations: {
    summary: `${labels.alertname} on ${labels.instance ?? 'api'}`,
    runbook_url: 'https://runbooks.medicalcor.example/x',
  },
  startsAt: '2025-06-01T03:12:00.000Z',
  endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : '2025-06-01T03:20:00.000Z',
  generatorURL: 'http://prometheus:9090/graph?g0.expr=up',
  fingerprint,
});

function payload(alerts: ReturnType<typeof alert>[]) {
  return {
    version: '4',
    groupKey: '{}:{alertname="DLQBacklogHigh"}',
    truncatedAlerts: 0,
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    receiver: 'medicalcor-runbooks',
    groupLabels: { alertname: alerts[0]!.labels.alertname },
    commonLabels: { env: 'staging', severity: 'critical' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts,
  };
}

beforeAll(async () => {
  db = await createTestDatabase('mc_runbook_alert');
  await applySchema(db.url);
  project = mkdtempSync(join(tmpdir(), 'mc-runbook-alert-'));
  mkdirSync(join(project, 'runbooks'));
  writeFileSync(join(project, 'medicalcor.config.yaml'), 'runbooksDir: runbooks\n');
  writeFileSync(
    join(project, 'runbooks', 'queue-backlog.yaml'),
    `
id: queue-backlog
title: Queue backlog
alerts: [DLQBacklogHigh]
parameters:
  - { name: webhookType, label: webhook_type, type: enum, values: [whatsapp, hubspot, stripe], required: true }
  - { name: severity, default: warning }
steps:
  - { id: count, kind: sql, mutates: false, sql: 'select count(*) from webhook_dead_letters where webhook_type = $1',
      params: ['{{webhookType}}'] }
  - { id: remediate, kind: shell, mutates: true, command: [touch,
      '${project}/remediated-{{webhookType}}-{{severity}}'] }
`,
  );
  writeFileSync(
    join(project, 'runbooks', 'api-down.yaml'),
    `
id: api-down
title: API down
alerts: [ApiDown]
steps:
  - { id: noop, kind: shell, mutates: false, command: [node, -e, '0'] }
`,
  );
});

afterAll(async () => {
  await db?.drop();
  if (project) rmSync(project, { recursive: true, force: true });
});

const forAlert = (args: string[], input?: string) =>
  runCli(['runbook', 'for-alert', ...args], { cwd: project, input, env: { MEDICALCOR_DATABASE_URL: db.url } });

describe('runbook for-alert', () => {
  it('picks the runbook of each firing alert and fills its parameters from the labels (dry run)', async () => {
    const body = payload([
      alert('firing', { alertname: 'DLQBacklogHigh', webhook_type: 'hubspot', instance: 'api-1' }, 'a1'),
      alert('resolved', { alertname: 'ApiDown', instance: 'api-2' }, 'a2'),
      alert('firing', { alertname: 'DLQBacklogHigh', webhook_type: 'hubspot', instance: 'api-3' }, 'a3'),
    ]);
    writeFileSync(join(project, 'alert.json'), JSON.stringify(body));
    const result = await forAlert(['alert.json', '-o', 'json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    // the resolved ApiDown alert is ignored; the two firing DLQ alerts share one run
    expect(
      report.alerts.map((a: { alertname: string; runbook: string; parameters: object; status: string }) => [
        a.alertname,
        a.runbook,
        a.parameters,
        a.status,
      ]),
    ).toEqual([
      ['DLQBacklogHigh', 'queue-backlog', { webhookType: 'hubspot', severity: 'critical' }, 'succeeded'],
      ['DLQBacklogHigh', 'queue-backlog', { webhookType: 'hubspot', severity: 'critical' }, 'same_run'],
    ]);
    expect(report.runs).toHaveLength(1);
    expect(report.runs[0].mode).toBe('dry_run');
    expect(report.runs[0].steps[1].action).toContain(`remediated-hubspot-critical`);
    expect(existsSync(join(project, 'remediated-hubspot-critical'))).toBe(false);
  });

  it('with --execute --yes it remediates without a person, and records who asked', async () => {
    const body = payload([alert('firing', { alertname: 'DLQBacklogHigh', webhook_type: 'stripe' }, 'b1')]);
    const result = await forAlert(['-', '--execute', '--yes', '-o', 'json'], JSON.stringify(body));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(existsSync(join(project, 'remediated-stripe-critical'))).toBe(true);
    const { rows } = await db.pool.query(`select runbook_id, status, parameters, actor from runbook_runs`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      runbook_id: 'queue-backlog',
      status: 'succeeded',
      parameters: { webhookType: 'stripe', severity: 'critical' },
    });
    expect(rows[0].actor).toMatch(/^alertmanager:medicalcor-runbooks via /);
  });

  it(
    'an alert no runbook answers is reported with exit 3; ' + 'a label that breaks a parameter rule runs nothing',
    async () => {
      const body = payload([
        alert('firing', { alertname: 'DiskFull' }, 'c1'),
        alert('firing', { alertname: 'DLQBacklogHigh', webhook_type: 'fax' }, 'c2'),
      ]);
      const unmatched = await forAlert(['-', '-o', 'json'], JSON.stringify({ ...body, alerts: [body.alerts[0]] }));
      expect(unmatched.exitCode).toBe(3);
      expect(JSON.parse(unmatched.stdout).alerts).toEqual([
        expect.objectContaining({ alertname: 'DiskFull', runbook: null, status: 'no_runbook' }),
      ]);

      const invalid = await forAlert(['-', '--execute', '--yes', '-o', 'json'], JSON.stringify(body));
      expect(invalid.exitCode).toBe(1);
      const entry = JSON.parse(invalid.stdout).alerts[1];
      expect(entry).toMatchObject({ runbook: 'queue-backlog', status: 'not_started' });
      expect(entry.error).toContain('"fax" is not one of whatsapp, hubspot, stripe');
      expect(existsSync(join(project, 'remediated-fax-critical'))).toBe(false);
    },
  );

  it('a body that is not an AlertManager payload is a usage error', async () => {
    const result = await forAlert(['-'], JSON.stringify({ hello: 'world' }));
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('is not an AlertManager webhook payload');
  });

  it("the shipped runbooks answer the platform's alerts, parameters taken from the labels", () => {
    const { runbooks } = loadRunbooks([{ path: join(repoRoot, 'src', 'runbooks'), source: 'shipped' }]);
    const body = payload([
      alert('firing', { alertname: 'PatientJourneyFailed', correlation_id: 'corr-7f3a9c', instance: 'api-1' }, 'd1'),
      alert('firing', { alertname: 'DLQBacklogHigh', webhook_type: 'whatsapp' }, 'd2'),
      alert('firing', { alertname: 'DatabasePoolExhausted', deployment: 'medicalcor-api-canary' }, 'd3'),
    ]);
    const matches = matchAlerts(parseAlertPayload(JSON.stringify(body), 'test'), runbooks);
    expect(
      matches.map((m) => [m.alertname, m.runbook?.runbook.id, resolveParameters(m.runbook!.runbook, m.given)]),
    ).toEqual([
      ['PatientJourneyFailed', 'patient-journey-failure', { correlationId: 'corr-7f3a9c' }],
      ['DLQBacklogHigh', 'dlq-replay', { webhookType: 'whatsapp', limit: '500' }],
      ['DatabasePoolExhausted', 'db-pool-exhausted', { deployment: 'medicalcor-api-canary', longerThan: '1 minute' }],
    ]);
  });
});
