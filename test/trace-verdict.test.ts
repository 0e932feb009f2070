/**
 * The verdict covers the whole journey, `trace ID` and `--failed` agree on what failed, and a
 * source that is down (PostgreSQL included) gives a partial answer, not none. In-process.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from './helpers/in-process.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { startTriggerFake, type FakeRun, type TriggerFake } from './fakes/trigger-dev.js';
import { addDeadLetter, appendDomainEvent, saveSagaState } from '../src/core/journey/index.js';

const letters = () =>
  randomBytes(6)
    .toString('hex')
    .replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]!);
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

let db: TestDatabase;
let fake: TriggerFake;
let env: Record<string, string>;
const long = `long-${letters()}`;
const recovered = `recovered-${letters()}`;
const stillDead = `dead-${letters()}`;
const discarded = `discarded-${letters()}`;
let discardedLetter: string;
const numeric = '0740123456';
const runsOnly = `runs-${letters()}`;

beforeAll(async () => {
  db = await createTestDatabase('mc_trace_verdict');
  await applySchema(db.url);
  // 20,000 events; the only failure is event 15,000, far past the default --limit of 1000
  await db.pool.query(
    `INSERT INTO domain_events
       (aggregate_id, aggregate_type, version, event_type, payload, metadata, correlation_id, occurred_at)
     SELECT 'lead-long', 'Lead', n, CASE WHEN n = 15000 THEN 'LeadSyncFailed' ELSE 'LeadTouched' END,
            CASE WHEN n = 15000 THEN '{"reason":"HubSpot 502"}'::jsonb ELSE '{}'::jsonb END, '{}'::jsonb, $1,
            now() - interval '2 hours' + n * interval '100 ms'
       FROM generate_series(1, 20000) n`,
    [long],
  );
  // recovered: a dead letter a retry processed and a saga that compensated cleanly (warnings, not failures)
  await appendDomainEvent(db.pool, {
    aggregateId: 'a1',
    aggregateType: 'Lead',
    eventType: 'LeadCreated',
    correlationId: recovered,
    payload: {},
    occurredAt: minutesAgo(20),
  });
  await addDeadLetter(db.pool, {
    webhookType: 'hubspot',
    correlationId: recovered,
    payload: {},
    lastError: 'timeout',
    status: 'processed',
    createdAt: minutesAgo(19),
  });
  await saveSagaState(db.pool, {
    sagaType: 'booking',
    correlationId: recovered,
    status: 'compensated',
    at: minutesAgo(18),
    step: { step: 'reserve', status: 'failed' },
  });
  await addDeadLetter(db.pool, {
    webhookType: 'stripe',
    correlationId: stillDead,
    payload: {},
    lastError: 'signature mismatch',
    status: 'retrying',
    createdAt: minutesAgo(10),
  });
  // an operator gave up on this journey's only dead letter: a decision, not a failure
  discardedLetter = (
    await addDeadLetter(db.pool, {
      webhookType: 'whatsapp',
      correlationId: discarded,
      payload: {},
      lastError: 'template rejected',
      status: 'failed',
      createdAt: minutesAgo(12),
    })
  ).id;
  await appendDomainEvent(db.pool, {
    aggregateId: 'n1',
    aggregateType: 'Lead',
    eventType: 'LeadCreated',
    correlationId: numeric,
    payload: { note: `retry of ${numeric} queued` },
    occurredAt: minutesAgo(5),
  });
  const runs: FakeRun[] = [
    {
      id: 'run_ok',
      taskIdentifier: 'send-welcome',
      status: 'COMPLETED',
      tags: [`corr_${runsOnly}`],
      createdAt: minutesAgo(9),
      startedAt: minutesAgo(9),
      finishedAt: minutesAgo(8),
    },
    {
      id: 'run_new',
      taskIdentifier: 'score-lead',
      status: 'EXECUTING',
      futureStatus: 'PAUSED_BY_OPERATOR',
      tags: [`corr_${runsOnly}`],
      createdAt: minutesAgo(7),
      startedAt: minutesAgo(7),
    },
  ];
  fake = await startTriggerFake({ runs });
  env = { MEDICALCOR_DATABASE_URL: db.url, MEDICALCOR_TRIGGER_URL: fake.url, TRIGGER_SECRET_KEY: fake.secretKey };
}, 120_000);

afterAll(async () => {
  await fake?.close();
  await db?.drop();
});

describe('the verdict covers the whole journey', () => {
  it('a failure at event 15,000 of 20,000 exits 3 with the default --limit; the truncated view says so', async () => {
    const json = await runInProcess(['trace', long, '-o', 'json'], { env });
    expect(json.exitCode).toBe(3);
    const trace = JSON.parse(json.stdout);
    expect(trace.items).toHaveLength(1000);
    expect(trace.items.some((i: { status: string }) => i.status === 'failed')).toBe(false);
    expect(trace.truncated).toBe(true);
    expect(trace.verdict).toMatchObject({
      failed: true,
      failures: 1,
      failureBeyondView: true,
      firstFailureSource: 'domain_events',
    });
    expect(trace.sources.find((s: { source: string }) => s.source === 'domain_events')).toMatchObject({
      truncated: true,
      failures: 1,
    });
    expect(trace.summary).toContain('The view is truncated');
    expect(trace.summary).toContain('some beyond the items shown');
    expect(trace.summary).not.toContain('No failure was recorded');

    const table = await runInProcess(['trace', long, '--limit', '10'], { env });
    expect(table.exitCode).toBe(3);
    expect(table.stdout).toContain('raise --limit');
  }, 60_000);

  it('a processed dead letter and a compensated saga are warnings: trace exits 0, --failed leaves it out', async () => {
    const trace = await runInProcess(['trace', recovered, '-o', 'json'], { env });
    expect(trace.exitCode).toBe(0);
    const parsed = JSON.parse(trace.stdout);
    expect(parsed.verdict).toMatchObject({ failed: false, failures: 0, warnings: 2 });
    expect(parsed.items.filter((i: { status: string }) => i.status === 'failed')).toEqual([]);

    const failed = await runInProcess(['trace', '--failed', '--since', '1h', '-o', 'json'], { env });
    const ids = JSON.parse(failed.stdout).journeys.map((j: { correlationId: string }) => j.correlationId);
    expect(ids).not.toContain(recovered);
    expect(ids).toContain(stillDead);
    // and every journey --failed lists is one trace ID exits 3 on
    for (const id of ids) expect((await runInProcess(['trace', id, '-o', 'json'], { env })).exitCode).toBe(3);
  }, 60_000);

  it('a discarded dead letter is a warning showing who and why: trace exits 0, --failed leaves it out', async () => {
    const discard = await runInProcess(['dlq', 'discard', discardedLetter, '--reason', 'duplicate, INC-42'], {
      env: { ...env, MEDICALCOR_ACTOR: 'alice@oncall' },
    });
    expect(discard.exitCode, discard.stderr).toBe(0);
    const trace = await runInProcess(['trace', discarded, '-o', 'json'], { env });
    expect(trace.exitCode, trace.stderr).toBe(0);
    const parsed = JSON.parse(trace.stdout);
    expect(parsed.verdict).toMatchObject({ failed: false, failures: 0, warnings: 1 });
    const item = parsed.items.find((i: { source: string }) => i.source === 'dead_letters');
    expect(item.status).toBe('warning');
    expect(item.summary).toContain('discarded by alice@oncall: duplicate, INC-42');
    expect(item.detail).toMatchObject({ discardedBy: 'alice@oncall', discardReason: 'duplicate, INC-42' });
    const table = await runInProcess(['trace', discarded], { env });
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toContain('discarded by alice@oncall');

    const failed = await runInProcess(['trace', '--failed', '--since', '1h', '-o', 'json'], { env });
    expect(failed.exitCode, failed.stderr).toBe(3); // stillDead failed in the window
    const ids = JSON.parse(failed.stdout).journeys.map((j: { correlationId: string }) => j.correlationId);
    expect(ids).not.toContain(discarded);
    expect(ids).toContain(stillDead);
  }, 60_000);

  it('a numeric correlation ID is not masked as a phone number', async () => {
    const result = await runInProcess(['trace', numeric, '-o', 'json'], { env });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).correlationId).toBe(numeric);
    expect(JSON.parse(result.stdout).items[0].detail.payload.note).toBe(`retry of ${numeric} queued`);
  });
});

describe('partial means partial', () => {
  it('PostgreSQL down, Trigger.dev up: exit 4, the Trigger.dev runs shown and every table source named', async () => {
    const down = { ...env, MEDICALCOR_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/medicalcor?sslmode=disable' };
    const result = await runInProcess(['trace', runsOnly, '-o', 'json'], { env: down });
    expect(result.exitCode).toBe(4);
    const trace = JSON.parse(result.stdout);
    expect(trace.partial).toBe(true);
    const states = Object.fromEntries(trace.sources.map((s: { source: string; state: string }) => [s.source, s.state]));
    expect(states).toEqual({
      domain_events: 'failed',
      sagas: 'failed',
      dead_letters: 'failed',
      integration_logs: 'failed',
      llm_usage: 'failed',
      trigger_runs: 'ok',
    });
    expect(trace.items.map((i: { name: string }) => i.name)).toEqual(['task send-welcome', 'task score-lead']);
    expect(result.stderr).toContain('domain_events failed');
    expect(result.stderr).toContain('connection refused');

    const table = await runInProcess(['trace', runsOnly], { env: down });
    expect(table.exitCode).toBe(4);
    expect(table.stdout).toContain('task send-welcome');
    const failed = await runInProcess(['trace', '--failed', '-o', 'json'], { env: down });
    expect(failed.exitCode).toBe(4);
    expect(JSON.parse(failed.stdout).sources.find((s: { source: string }) => s.source === 'trigger_runs').state).toBe(
      'ok',
    );
  });

  it('a run status this version does not know is unknown for that run only; the other runs are shown', async () => {
    const result = await runInProcess(['trace', runsOnly, '-o', 'json'], { env });
    expect(result.exitCode).toBe(0);
    const trace = JSON.parse(result.stdout);
    const byName = Object.fromEntries(trace.items.map((i: { name: string; status: string }) => [i.name, i.status]));
    expect(byName).toEqual({ 'task send-welcome': 'ok', 'task score-lead': 'unknown' });
    expect(trace.items.find((i: { name: string }) => i.name === 'task score-lead').summary).toContain(
      'PAUSED_BY_OPERATOR',
    );
    expect(trace.summary).toContain('status this version does not know');
  });

  it('Trigger.dev refusing connections, PostgreSQL up: exit 4, every table source shown', async () => {
    const down = { ...env, MEDICALCOR_TRIGGER_URL: 'http://127.0.0.1:1' };
    const full = await runInProcess(['trace', recovered, '-o', 'json'], { env });
    const result = await runInProcess(['trace', recovered, '-o', 'json'], { env: down });
    expect(result.exitCode).toBe(4);
    const trace = JSON.parse(result.stdout);
    expect(trace.partial).toBe(true);
    const states = Object.fromEntries(trace.sources.map((s: { source: string; state: string }) => [s.source, s.state]));
    expect(states.trigger_runs).toBe('failed');
    for (const table of ['domain_events', 'sagas', 'dead_letters', 'integration_logs', 'llm_usage'])
      expect(states[table], table).toBe('ok');
    // the rows of the reachable sources are all there: only the runs are missing
    const fromTables = (items: { source: string }[]) => items.filter((i) => i.source !== 'trigger_runs').length;
    const expected = fromTables(JSON.parse(full.stdout).items);
    expect(expected).toBeGreaterThan(0);
    expect(fromTables(trace.items)).toBe(expected);
    expect(result.stderr).toContain('trigger_runs failed');
  });

  it('a clean journey with a source timing out is partial: exit 4', async () => {
    fake.delayMs = 3_000;
    try {
      const result = await runInProcess(['trace', recovered, '-o', 'json', '--timeout', '300ms'], { env });
      expect(result.exitCode).toBe(4);
      expect(JSON.parse(result.stdout).sources.find((s: { source: string }) => s.source === 'trigger_runs').state).toBe(
        'timeout',
      );
    } finally {
      fake.delayMs = 0;
    }
  });
});
