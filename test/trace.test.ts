import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from './helpers/cli.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { startTriggerFake, type TriggerFake } from './fakes/trigger-dev.js';
import { PATIENT, writeFailedJourney, type WrittenJourney } from './trace-fixture.js';
import { appendDomainEvent, logIntegrationCall } from '../src/core/journey/index.js';

const letters = () =>
  randomBytes(6)
    .toString('hex')
    .replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]!);

let db: TestDatabase;
let fake: TriggerFake;
let journey: WrittenJourney;
let env: Record<string, string>;

function expectNoPii(text: string): void {
  expect(text).not.toContain(PATIENT.phone);
  expect(text).not.toContain(PATIENT.phoneDigits);
  expect(text).not.toContain(PATIENT.email);
  expect(text).not.toContain(PATIENT.name);
}

beforeAll(async () => {
  db = await createTestDatabase('mc_trace');
  await applySchema(db.url);
  journey = await writeFailedJourney(db.pool, `journey-${letters()}`, new Date(Date.now() - 10 * 60_000));
  // runs of other journeys, to be filtered out by tag
  const other = {
    taskIdentifier: 'other-task',
    status: 'FAILED' as const,
    tags: ['corr_someone-else'],
    createdAt: new Date(Date.now() - 5 * 60_000),
    error: { message: 'other' },
  };
  fake = await startTriggerFake({
    runs: [...journey.triggerRuns, { id: 'run_other_1', ...other }, { id: 'run_other_2', ...other }],
    maxPageSize: 2,
  });
  env = { MEDICALCOR_DATABASE_URL: db.url, MEDICALCOR_TRIGGER_URL: fake.url, TRIGGER_SECRET_KEY: fake.secretKey };
});

afterAll(async () => {
  await fake?.close();
  await db?.drop();
});

describe('medicalcor trace CORRELATION_ID', () => {
  it(
    'merges every source into one timeline in time order, pages through Trigger.dev and marks ' +
      'the first failure (exit 3)',
    async () => {
      fake.requests.length = 0;
      const result = await runCli(['trace', journey.correlationId, '-o', 'json'], { env });
      expect(result.stderr).toBe('');
      expect(result.exitCode).toBe(3);
      const trace = JSON.parse(result.stdout);
      expect(trace.sources.map((s: { source: string; state: string }) => [s.source, s.state])).toEqual([
        ['domain_events', 'ok'],
        ['sagas', 'ok'],
        ['dead_letters', 'ok'],
        ['integration_logs', 'ok'],
        ['llm_usage', 'ok'],
        ['trigger_runs', 'ok'],
      ]);
      expect(trace.items.map((i: { name: string }) => i.name)).toEqual(journey.expectedOrder);
      const times = trace.items.map((i: { at: string }) => Date.parse(i.at));
      expect(times).toEqual([...times].sort((a, b) => a - b));

      // first failure: the Trigger.dev run, its error taken from the retrieve endpoint
      expect(trace.firstFailure.name).toBe(journey.firstFailureName);
      expect(trace.firstFailure.error).toContain(journey.firstFailureError);
      const index = trace.firstFailure.index;
      expect(trace.items[index].firstFailure).toBe(true);
      expect(
        trace.items
          .slice(0, index)
          .every((i: { afterFailure: boolean; status: string }) => !i.afterFailure && i.status !== 'failed'),
      ).toBe(true);
      expect(trace.items.slice(index + 1).every((i: { afterFailure: boolean }) => i.afterFailure)).toBe(true);
      // durations and gaps
      const hubspot = trace.items.find((i: { name: string }) => i.name === 'hubspot outbound createContact');
      expect(hubspot).toMatchObject({
        status: 'failed',
        durationMs: 1200,
        error: 'HUBSPOT_502: Bad gateway from api.hubapi.com',
      });
      expect(trace.items[0].gapMs).toBeNull();
      expect(trace.spanMs).toBe(8_300);
      expect(trace.summary).toContain('First failure');
      expect(trace.summary).toContain('task sync-hubspot');

      // Trigger.dev was asked the documented way, and paged (2 runs per page, 5 runs)
      const lists = fake.requests.filter((r) => r.path === '/api/v1/runs');
      expect(lists.length).toBe(3);
      expect(
        lists.every(
          (r) =>
            r.query.get('filter[tag]') === `corr_${journey.correlationId}` && r.query.get('filter[createdAt][from]'),
        ),
      ).toBe(true);
      expect(lists.slice(1).every((r) => r.query.get('page[after]'))).toBe(true);
      expect(
        fake.requests.every((r) => r.authorization === `Bearer ${fake.secretKey}` && r.apiVersion === '2025-07-16'),
      ).toBe(true);
      expect(fake.requests.filter((r) => r.path.startsWith('/api/v3/runs/')).map((r) => r.path)).toEqual([
        `/api/v3/runs/run_${journey.correlationId}_b`,
      ]);
      expect(trace.sources.find((s: { source: string }) => s.source === 'trigger_runs')).toMatchObject({
        items: 5,
        note: '3 pages',
      });
      expect(fake.schemaViolations).toEqual([]);
    },
  );

  it('masks phone numbers, e-mails and names in JSON, table and waterfall views', async () => {
    const json = await runCli(['trace', journey.correlationId, '-o', 'json'], { env });
    expectNoPii(json.stdout);
    const created = JSON.parse(json.stdout).items.find((i: { name: string }) => i.name === 'LeadCreated');
    expect(created.detail.payload).toMatchObject({
      phone: '[masked]',
      email: '[masked]',
      name: '[masked]',
      channel: 'whatsapp',
    });
    const failed = JSON.parse(json.stdout).items.find((i: { name: string }) => i.name === 'LeadSyncFailed');
    expect(failed.error).toBe('HubSpot rejected contact [masked]');

    const table = await runCli(['trace', journey.correlationId], { env });
    expect(table.exitCode).toBe(3);
    expectNoPii(table.stdout + table.stderr);
    const firstRow = table.stdout.split('\n').find((l) => l.includes('FAILED (first)'));
    expect(firstRow).toContain('task sync-hubspot');
    expect(table.stdout).toContain('PII masked');

    const waterfall = await runCli(['trace', journey.correlationId, '--view', 'waterfall'], { env });
    expect(waterfall.exitCode).toBe(3);
    expectNoPii(waterfall.stdout);
    expect(waterfall.stdout.split('\n').find((l) => l.includes('first failure'))).toContain('sync-hubspot');
    expect(waterfall.stdout).toContain('█');
  });

  it('--show-pii reveals patient data and records who revealed which journey', async () => {
    const result = await runCli(['trace', journey.correlationId, '-o', 'json', '--show-pii', '--reason', 'INC-4711'], {
      env: { ...env, MEDICALCOR_ACTOR: 'oncall@example' },
    });
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toContain(PATIENT.phone);
    expect(result.stdout).toContain(PATIENT.name);
    expect(JSON.parse(result.stdout).piiShown).toBe(true);
    expect(result.stderr).toContain('recorded in pii_access_log');
    const { rows } = await db.pool.query(
      'SELECT actor, correlation_id, reason, command FROM pii_access_log WHERE correlation_id = $1',
      [journey.correlationId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor: 'oncall@example',
      correlation_id: journey.correlationId,
      reason: 'INC-4711',
    });
    expect(rows[0].command).toContain('--show-pii');
  });

  it('Ctrl-C while a source is still answering stops the trace with exit 130', async () => {
    fake.delayMs = 20_000;
    const before = fake.received;
    try {
      const child = spawnCli(['trace', journey.correlationId, '-o', 'json', '--timeout', '30s'], { env });
      while (fake.received === before) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGINT');
      const result = await child;
      expect(result.exitCode).toBe(130);
      expect(String(result.stderr)).not.toMatch(/\n\s+at /);
    } finally {
      fake.delayMs = 0;
    }
  });

  it(
    'a source slower than --timeout is named and the rest is shown (partial; exit 3: a failure ' +
      'was read, 3 wins over 4)',
    async () => {
      fake.delayMs = 3_000;
      try {
        const result = await runCli(['trace', journey.correlationId, '-o', 'json', '--timeout', '400ms'], { env });
        expect(result.exitCode).toBe(3);
        expect(result.stderr).toContain('trigger_runs timed out');
        const trace = JSON.parse(result.stdout);
        expect(trace.partial).toBe(true);
        expect(trace.sources.find((s: { source: string }) => s.source === 'trigger_runs')).toMatchObject({
          state: 'timeout',
          items: 0,
        });
        expect(trace.items.length).toBe(journey.expectedOrder.length - journey.triggerRuns.length);
        expect(trace.items.some((i: { source: string }) => i.source === 'trigger_runs')).toBe(false);
        // the first failure among what could be read
        expect(trace.firstFailure.name).toBe('hubspot outbound createContact');
        expect(trace.summary).toContain('Trigger.dev runs timed out');
      } finally {
        fake.delayMs = 0;
      }
    },
  );

  it(
    'a table locked by another session times out on its own; the other sources are shown ' + '(partial, exit 3)',
    async () => {
      const blocker = await db.pool.connect();
      try {
        await blocker.query('BEGIN');
        await blocker.query('LOCK TABLE integration_logs IN ACCESS EXCLUSIVE MODE');
        const result = await runCli(['trace', journey.correlationId, '-o', 'json', '--timeout', '1s'], { env });
        expect(result.exitCode).toBe(3);
        const trace = JSON.parse(result.stdout);
        expect(trace.partial).toBe(true);
        const states = Object.fromEntries(
          trace.sources.map((s: { source: string; state: string }) => [s.source, s.state]),
        );
        expect(states).toEqual({
          domain_events: 'ok',
          sagas: 'ok',
          dead_letters: 'ok',
          integration_logs: 'timeout',
          llm_usage: 'ok',
          trigger_runs: 'ok',
        });
        expect(trace.items.some((i: { source: string }) => i.source === 'integration_logs')).toBe(false);
        expect(trace.items.some((i: { source: string }) => i.source === 'domain_events')).toBe(true);
        expect(result.stderr).toContain('integration_logs timed out');
      } finally {
        await blocker.query('ROLLBACK');
        blocker.release();
      }
    },
  );

  it('a rejected Trigger.dev key is a failed source, named without printing the key (partial, exit 3)', async () => {
    const wrongKey = 'tr_prod_wrongKeyWrongKeyWrong1234';
    const result = await runCli(['trace', journey.correlationId], { env: { ...env, TRIGGER_SECRET_KEY: wrongKey } });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('trigger_runs failed');
    expect(result.stdout + result.stderr).toContain('HTTP 401');
    expect(result.stdout + result.stderr).not.toContain(wrongKey);
    expect(result.stdout).toContain('LeadCreated');
  });

  it('skips Trigger.dev, and says so, when it is not configured', async () => {
    const result = await runCli(['trace', journey.correlationId, '-o', 'json'], {
      env: { MEDICALCOR_DATABASE_URL: db.url },
    });
    expect(result.exitCode).toBe(3);
    const trace = JSON.parse(result.stdout);
    expect(trace.sources.find((s: { source: string }) => s.source === 'trigger_runs')).toMatchObject({
      state: 'skipped',
    });
    expect(trace.summary).toContain('Trigger.dev runs skipped: not configured');
    expect(trace.partial).toBe(false);
  });

  it('an ID that matches nothing says which sources and window were searched (exit 1)', async () => {
    const result = await runCli(['trace', `nobody-${letters()}`], { env });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('Nothing matched correlation ID');
    expect(result.stdout).toContain('Read 6 of 6 sources');
    expect(result.stderr).toMatch(/tables: all time; Trigger.dev runs created since \d{4}-/);
    const json = await runCli(['trace', `nobody-${letters()}`, '-o', 'json', '--since', '2d'], { env });
    expect(json.exitCode).toBe(1);
    const trace = JSON.parse(json.stdout);
    expect(trace.items).toEqual([]);
    expect(
      Date.parse(trace.searched.triggerRunsTo) - Date.parse(trace.searched.triggerRunsFrom),
    ).toBeGreaterThanOrEqual(2 * 86_400_000 - 60_000);
  });

  it.each([
    [['trace', 'has space'], 'not a correlation ID'],
    [['trace', "x'; DROP TABLE domain_events; --"], 'not a correlation ID'],
    [['trace', 'a'.repeat(200)], 'the longest is 123'],
    [['trace'], 'Which journey?'],
    [['trace', 'ok-id', '--timeout', 'soon'], '--timeout "soon" is not a duration'],
    [['trace', 'ok-id', '--view', 'pie'], '--view "pie" is not a view'],
    [['trace', 'ok-id', '--failed'], 'not both'],
  ])('bad input %j is a usage error (exit 2) without a stack trace', async (args, message) => {
    const result = await runCli(args, { env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });
});

describe('medicalcor trace --failed', () => {
  it('lists journeys that failed in the window, newest first, with the failing source and step', async () => {
    const newer = `journey-${letters()}`;
    const old = `journey-${letters()}`;
    await appendDomainEvent(db.pool, {
      aggregateId: `appt-${newer}`,
      aggregateType: 'Appointment',
      eventType: 'AppointmentCreated',
      correlationId: newer,
      payload: {},
      occurredAt: new Date(Date.now() - 3 * 60_000),
    });
    await logIntegrationCall(db.pool, {
      service: 'whatsapp',
      direction: 'outbound',
      operation: 'sendTemplate',
      correlationId: newer,
      status: 'timeout',
      errorMessage: `no answer for ${PATIENT.phone}`,
      occurredAt: new Date(Date.now() - 2 * 60_000),
    });
    await appendDomainEvent(db.pool, {
      aggregateId: `appt-${old}`,
      aggregateType: 'Appointment',
      eventType: 'AppointmentBookingFailed',
      correlationId: old,
      payload: { reason: 'slot gone' },
      occurredAt: new Date(Date.now() - 3 * 3_600_000),
    });

    const result = await runCli(['trace', '--failed', '--since', '1h', '-o', 'json'], { env });
    expect(result.exitCode).toBe(3);
    const report = JSON.parse(result.stdout);
    const ids = report.journeys.map((j: { correlationId: string }) => j.correlationId);
    expect(ids.slice(0, 3)).toEqual([newer, 'someone-else', journey.correlationId]);
    expect(ids).not.toContain(old);
    expect(report.journeys[0]).toMatchObject({ source: 'integration_logs', step: 'whatsapp outbound sendTemplate' });
    expect(report.journeys[2]).toMatchObject({ source: 'trigger_runs', step: 'task sync-hubspot' });
    expect(report.journeys[2].failures).toBeGreaterThanOrEqual(5);
    const failedAt = report.journeys.map((j: { failedAt: string }) => Date.parse(j.failedAt));
    expect(failedAt).toEqual([...failedAt].sort((a, b) => b - a));
    expectNoPii(result.stdout);

    const wider = await runCli(['trace', '--failed', '--since', '4h'], { env });
    expect(wider.exitCode).toBe(3);
    expect(wider.stdout).toContain(old);
    expect(wider.stdout).toContain('AppointmentBookingFailed');
  });

  it('--failed --show-pii shows unmasked errors and records the access without a correlation ID', async () => {
    const before = await db.pool.query('SELECT count(*)::int AS n FROM pii_access_log WHERE correlation_id IS NULL');
    const result = await runCli(
      ['trace', '--failed', '--since', '1h', '-o', 'json', '--show-pii', '--reason', 'INC-4712'],
      { env: { ...env, MEDICALCOR_ACTOR: 'lister@example' } },
    );
    expect(result.exitCode).toBe(3);
    const { rows } = await db.pool.query(
      'SELECT actor, reason, command FROM pii_access_log WHERE correlation_id IS NULL ORDER BY id',
    );
    expect(rows.length).toBe(before.rows[0].n + 1);
    expect(rows.at(-1)).toMatchObject({ actor: 'lister@example', reason: 'INC-4712' });
    expect(rows.at(-1).command).toContain('--failed --show-pii');
  });

  it('--show-pii without --reason is refused before anything is read or recorded (exit 2)', async () => {
    const before = await db.pool.query('SELECT count(*)::int AS n FROM pii_access_log');
    for (const args of [
      ['trace', '--failed', '--show-pii'],
      ['trace', journey.correlationId, '--show-pii'],
      ['trace', journey.correlationId, '--show-pii', '--reason', ' '],
    ]) {
      const result = await runCli(args, { env });
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain('--show-pii needs --reason');
      expect(result.stdout).toBe('');
    }
    const after = await db.pool.query('SELECT count(*)::int AS n FROM pii_access_log');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('exits 0 with an empty window', async () => {
    const result = await runCli(['trace', '--failed', '--since', '1ms', '-o', 'json'], {
      env: { MEDICALCOR_DATABASE_URL: db.url },
    });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).journeys).toEqual([]);
  });
});
