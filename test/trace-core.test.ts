import { parseDuration } from '../src/core/time/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTimeline,
  correlationIdProblem,
  listFailedJourneys,
  maskTimelineItems,
  saveSagaState,
  traceJourney,
  type TimelineItem,
} from '../src/core/journey/index.js';
import { TriggerApiError, TriggerClient } from '../src/core/trigger/index.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { startTriggerFake, type FakeRun, type TriggerFake } from './fakes/trigger-dev.js';
import { PATIENT, writeFailedJourney } from './trace-fixture.js';
import { describeTrace } from '../src/commands/render/trace-summary.js';

const item = (ms: number, overrides: Partial<TimelineItem> = {}): TimelineItem => ({
  at: new Date(Date.UTC(2025, 0, 1) + ms),
  source: 'domain_events',
  name: `e${ms}`,
  status: 'ok',
  summary: '',
  ref: '',
  detail: {},
  ...overrides,
});

describe('timeline', () => {
  it('orders by time, keeps ties in source order, measures gaps and marks the first failure and what followed', () => {
    const timeline = buildTimeline([
      item(500, { name: 'late', status: 'failed' }),
      item(100, { name: 'run', source: 'trigger_runs', durationMs: 200, endAt: new Date(Date.UTC(2025, 0, 1) + 300) }),
      item(100, { name: 'event' }),
      item(200, { name: 'first-failure', status: 'failed', source: 'integration_logs' }),
      item(0, { name: 'start' }),
    ]);
    expect(timeline.items.map((i) => i.name)).toEqual(['start', 'event', 'run', 'first-failure', 'late']);
    expect(timeline.items.map((i) => i.gapMs)).toEqual([undefined, 100, 0, 0, 300]);
    expect(timeline.items.map((i) => i.offsetMs)).toEqual([0, 100, 100, 200, 500]);
    expect(timeline.items.map((i) => [i.firstFailure, i.afterFailure])).toEqual([
      [false, false],
      [false, false],
      [false, false],
      [true, false],
      [false, true],
    ]);
    expect(timeline.firstFailureIndex).toBe(3);
    expect(timeline.spanMs).toBe(500);
  });

  it('is empty without items', () => {
    expect(buildTimeline([])).toMatchObject({ items: [], firstFailureIndex: null, spanMs: 0 });
  });
});

describe('PII masking of a journey', () => {
  it('masks PII-named fields, phone and e-mail patterns, and names seen in payloads wherever they recur', () => {
    const [created, failed] = maskTimelineItems([
      item(0, {
        detail: {
          payload: {
            fullName: 'Maria Ionescu',
            phone: '+40 712 345 678',
            note: 'mail me at maria@example.ro or +40712345678',
          },
        },
      }),
      item(1, {
        summary: 'lead Maria Ionescu',
        error: 'Maria Ionescu: HubSpot 409 for maria@example.ro',
        detail: { at: new Date(0) },
      }),
    ]);
    const text = JSON.stringify([created, failed]);
    expect(text).not.toMatch(/Maria|Ionescu|maria@example\.ro|712 ?345 ?678/);
    expect(created!.detail).toEqual({
      payload: { fullName: '[masked]', phone: '[masked]', note: 'mail me at m***@***.ro or +***78' },
    });
    expect(failed!.error).toBe('[masked]: HubSpot 409 for m***@***.ro');
    expect(failed!.detail).toEqual({ at: '1970-01-01T00:00:00.000Z' });
  });

  it('does not mask part of a longer word', () => {
    const [masked] = maskTimelineItems([item(0, { summary: 'Analysis for Ana', detail: { name: 'Ana' } })]);
    expect(masked!.summary).toBe('Analysis for [masked]');
  });
});

describe('arguments', () => {
  it.each([
    ['0b6f2c1e-8d7a-4c55-9a53-2f1f0c8e4d11', undefined],
    ['req_01J2ABCD', undefined],
    ['a:b.c-d_e', undefined],
    ['', 'it is empty'],
    ['-leading', 'may contain only'],
    ['a b', 'may contain only'],
    ['a/b', 'may contain only'],
    ['x'.repeat(124), 'the longest is 123'],
  ])('correlation ID %j', (value, problem) => {
    const found = correlationIdProblem(value);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });

  it.each([
    ['500ms', 500],
    ['5s', 5_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['7d', 604_800_000],
    ['soon', undefined],
    ['5', undefined],
    ['0s', undefined],
    ['-1h', undefined],
  ])('duration %j', (text, ms) => expect(parseDuration(text)).toBe(ms));
});

describe('with PostgreSQL and the Trigger.dev fake', () => {
  let db: TestDatabase;
  let fake: TriggerFake;

  beforeAll(async () => {
    db = await createTestDatabase('mc_trace_core');
    await applySchema(db.url);
    const runs: FakeRun[] = Array.from({ length: 7 }, (_, i) => ({
      id: `run_page_${i}`,
      taskIdentifier: 'paged',
      status: 'COMPLETED',
      tags: ['corr_paged'],
      createdAt: new Date(Date.now() - (i + 1) * 60_000),
      startedAt: new Date(Date.now() - (i + 1) * 60_000 + 10),
      finishedAt: new Date(Date.now() - (i + 1) * 60_000 + 50),
    }));
    fake = await startTriggerFake({ runs, maxPageSize: 3 });
  });
  afterAll(async () => {
    await fake?.close();
    await db?.drop();
  });

  it('the client follows page[after] cursors to the last page and sends the documented headers', async () => {
    const client = new TriggerClient({ baseUrl: fake.url, secretKey: fake.secretKey });
    const listed = await client.listRuns({ tag: 'corr_paged', createdFrom: new Date(Date.now() - 86_400_000) });
    expect(listed.pages).toBe(3);
    expect(listed.runs.map((r) => r.id)).toEqual([
      'run_page_0',
      'run_page_1',
      'run_page_2',
      'run_page_3',
      'run_page_4',
      'run_page_5',
      'run_page_6',
    ]);
    expect(fake.requests.at(-1)?.apiVersion).toBe('2025-07-16');
    const limited = await client.listRuns({
      tag: 'corr_paged',
      createdFrom: new Date(Date.now() - 86_400_000),
      limit: 4,
    });
    expect(limited).toMatchObject({ truncated: true, pages: 2 });
    expect(fake.schemaViolations).toEqual([]);
  });

  it('the client reports a rejected key without the key', async () => {
    const key = 'tr_dev_notTheRightKey99999';
    const error = await new TriggerClient({ baseUrl: fake.url, secretKey: key })
      .retrieveRun('run_page_0')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TriggerApiError);
    expect((error as Error).message).toContain('HTTP 401');
    expect((error as Error).message).not.toContain(key);
  });

  it('the saga writer appends to the step history and keeps the start time', async () => {
    const start = new Date(Date.now() - 60_000);
    const { sagaId } = await saveSagaState(db.pool, {
      sagaType: 'booking',
      correlationId: 'saga-test',
      status: 'running',
      at: start,
      step: { step: 'reserve', status: 'started' },
    });
    await saveSagaState(db.pool, {
      sagaId,
      sagaType: 'booking',
      correlationId: 'saga-test',
      status: 'completed',
      step: { step: 'reserve', status: 'completed', durationMs: 40 },
    });
    const { rows } = await db.pool.query(
      'SELECT status, started_at, completed_at, step_history FROM saga_store WHERE saga_id = $1',
      [sagaId],
    );
    expect(rows[0].status).toBe('completed');
    expect(rows[0].started_at.getTime()).toBe(start.getTime());
    expect(rows[0].completed_at).not.toBeNull();
    expect(rows[0].step_history.map((s: { status: string }) => s.status)).toEqual(['started', 'completed']);
  });

  it('traceJourney and listFailedJourneys work as a library (no CLI)', async () => {
    const journey = await writeFailedJourney(db.pool, 'library-journey', new Date(Date.now() - 5 * 60_000));
    const trace = await traceJourney(
      { database: { pool: db.pool }, trigger: { skipped: 'not configured' } },
      { correlationId: journey.correlationId, since: new Date(0), timeoutMs: 5_000, limit: 100 },
    );
    expect(trace.items.map((i) => i.name)).toEqual(journey.expectedOrder.filter((n) => !n.startsWith('task ')));
    expect(trace.firstFailure?.name).toBe('hubspot outbound createContact');
    expect(JSON.stringify(trace.items)).not.toContain(PATIENT.phone);
    const limited = await traceJourney(
      { database: { pool: db.pool }, trigger: { skipped: 'x' } },
      { correlationId: journey.correlationId, since: new Date(0), timeoutMs: 5_000, limit: 1 },
    );
    expect(limited.sources.find((s) => s.source === 'domain_events')).toMatchObject({ items: 1, truncated: true });
    expect(describeTrace(limited)).toContain('raise --limit');
    // the view is cut, the verdict is not: the journey's failures beyond the first item still count
    expect(limited.verdict).toMatchObject({ failed: true, failureBeyondView: true });

    const failed = await listFailedJourneys(
      { database: { pool: db.pool }, trigger: { skipped: 'x' } },
      { since: new Date(Date.now() - 3_600_000), timeoutMs: 5_000, limit: 100 },
    );
    expect(failed.journeys.find((j) => j.correlationId === journey.correlationId)).toMatchObject({
      source: 'integration_logs',
      step: 'hubspot outbound createContact',
      failures: 4,
    });
  });
});
