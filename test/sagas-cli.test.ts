import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveSagaState } from '../src/core/journey/writers.js';
import { stuckSagasByType } from '../src/core/sagas/index.js';
import { runInProcess } from './helpers/in-process.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';

let db: TestDatabase;
let stuckId: string;
let doneId: string;
let timedOutId: string;
const cli = (args: string[]) => runInProcess(args, { env: { MEDICALCOR_DATABASE_URL: db.url } });
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000);

beforeAll(async () => {
  db = await createTestDatabase('mc_sagas');
  await applySchema(db.url);
  ({ sagaId: stuckId } = await saveSagaState(db.pool, {
    sagaType: 'LeadOnboarding',
    correlationId: 'corr-stuck',
    status: 'running',
    currentStep: 'send-whatsapp',
    state: { phone: '+40722123456', leadId: 'l-1' },
    step: { step: 'score-lead', status: 'completed', durationMs: 1200 },
    at: ago(90),
  }));
  await saveSagaState(db.pool, {
    sagaId: stuckId,
    sagaType: 'LeadOnboarding',
    correlationId: 'corr-stuck',
    status: 'running',
    step: { step: 'send-whatsapp', status: 'started' },
    at: ago(60),
  });
  ({ sagaId: doneId } = await saveSagaState(db.pool, {
    sagaType: 'LeadOnboarding',
    correlationId: 'corr-done',
    status: 'completed',
    at: ago(120),
  }));
  ({ sagaId: timedOutId } = await saveSagaState(db.pool, {
    sagaType: 'Booking',
    correlationId: 'corr-timeout',
    status: 'pending',
    timeoutAt: ago(1),
    at: ago(2),
  }));
  await saveSagaState(db.pool, { sagaType: 'Booking', correlationId: 'corr-fresh', status: 'running', at: ago(1) });
}, 60_000);

afterAll(async () => {
  await db?.drop();
});

describe('sagas list', () => {
  it(
    '--stuck lists the idle and the timed-out sagas in progress, ' + 'idle longest first, with trace links; exit 3',
    async () => {
      const result = await cli(['sagas', 'list', '--stuck', '-o', 'json']);
      expect(result.exitCode, result.stderr).toBe(3);
      const rows = JSON.parse(result.stdout);
      expect(rows.map((r: any) => r.sagaId)).toEqual([stuckId, timedOutId]);
      expect(rows[0]).toMatchObject({ status: 'running', currentStep: 'send-whatsapp', stuck: true });
      const table = await cli(['sagas', 'list', '--stuck']);
      expect(table.stdout).toContain('medicalcor trace corr-stuck');
      expect(table.stdout).toMatch(/running \(stuck\)/);
    },
  );

  it('filters by status and type; exit 0 without --stuck; bad status is a usage error', async () => {
    const done = await cli(['sagas', 'list', '--status', 'completed', '-o', 'json']);
    expect(done.exitCode).toBe(0);
    expect(JSON.parse(done.stdout).map((r: any) => r.sagaId)).toEqual([doneId]);
    const booking = await cli(['sagas', 'list', '--type', 'Booking', '-o', 'json']);
    expect(JSON.parse(booking.stdout)).toHaveLength(2);
    const bad = await cli(['sagas', 'list', '--status', 'stuck']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('Unknown saga status "stuck"');
  });

  it("the check's query and the list agree", async () => {
    const groups = await stuckSagasByType(db.pool);
    expect(groups).toEqual([
      { sagaType: 'Booking', count: 1, oldestIdleSeconds: expect.any(Number), pastTimeout: 1 },
      { sagaType: 'LeadOnboarding', count: 1, oldestIdleSeconds: expect.any(Number), pastTimeout: 0 },
    ]);
  });
});

describe('sagas show', () => {
  it('shows steps, masked state and the trace link', async () => {
    const result = await cli(['sagas', 'show', stuckId]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('trace        medicalcor trace corr-stuck');
    expect(result.stdout).toMatch(/score-lead\s+completed/);
    expect(result.stdout).toMatch(/send-whatsapp\s+started/);
    expect(result.stdout).toContain('"leadId": "l-1"');
    expect(result.stdout).not.toContain('722123456');
    const missing = await cli(['sagas', 'show', '00000000-0000-4000-8000-000000000000']);
    expect(missing.exitCode).toBe(1);
    expect((await cli(['sagas', 'show', 'x'])).exitCode).toBe(2);
  });
});
