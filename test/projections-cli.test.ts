import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appendDomainEvent } from '../src/core/journey/writers.js';
import { runInProcess } from './helpers/in-process.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';

let db: TestDatabase;
let dir: string;

const env = () => ({ MEDICALCOR_DATABASE_URL: db.url, MEDICALCOR_ACTOR: 'alice@oncall' });
const cli = (args: string[]) => runInProcess(args, { env: env() });
const checkpoint = async (name: string) =>
  (
    await db.pool.query(
      'select status, last_position::int as position, error, rebuild_target_position::int as target from ' +
        'projection_checkpoints where projection_name = $1',
      [name],
    )
  ).rows[0];
const audit = async (target: string) =>
  (
    await db.pool.query(
      'select operation, actor, environment, outcome, details from event_store_operations where target = $1 order by ' +
        'id',
      [target],
    )
  ).rows;

beforeAll(async () => {
  db = await createTestDatabase('mc_projections');
  await applySchema(db.url);
  dir = mkdtempSync(join(tmpdir(), 'mc-projections-'));
  for (let i = 1; i <= 5; i++) {
    await appendDomainEvent(db.pool, {
      aggregateId: `lead-${i}`,
      aggregateType: 'Lead',
      eventType: 'LeadQualified',
      correlationId: `c-${i}`,
      payload: { leadId: `lead-${i}` },
      occurredAt: new Date(Date.now() - (60 - i) * 60_000),
    });
  }
}, 60_000);

afterAll(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await db.pool.query('delete from projection_checkpoints; delete from event_store_operations');
  await db.pool.query(`insert into projection_checkpoints (projection_name, last_position, status, error) values
    ('lead_dashboard', 5, 'active', null), ('lead_scoring', 2, 'active', null), ('consent_view', 1, 'failed',
        'TypeError: x is undefined\n at y')`);
});

describe('projections status', () => {
  it('shows position, lag in events and time, state and last error; exit 3 when one is stale or failed', async () => {
    const result = await cli(['projections', 'status', '-o', 'json']);
    expect(result.exitCode, result.stderr).toBe(3);
    const byName = Object.fromEntries(JSON.parse(result.stdout).projections.map((p: any) => [p.name, p]));
    expect(byName.lead_dashboard).toMatchObject({ position: 5, head: 5, lagEvents: 0, lagSeconds: 0, health: 'ok' });
    expect(byName.lead_scoring).toMatchObject({ position: 2, lagEvents: 3, health: 'stale' });
    // the oldest unprocessed event (position 3) occurred 57 minutes ago
    expect(byName.lead_scoring.lagSeconds).toBeGreaterThan(56 * 60);
    expect(byName.lead_scoring.lagSeconds).toBeLessThan(59 * 60);
    expect(byName.consent_view).toMatchObject({
      state: 'failed',
      health: 'failed',
      lastError: 'TypeError: x is undefined\n at y',
    });
    const table = await cli(['projections', 'status', 'lead_dashboard']);
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toMatch(/lead_dashboard\s+active\s+ok\s+5\/5\s+0/);
    expect(table.stdout).not.toContain('lead_scoring');
  });
});

describe('pause, resume, rewind', () => {
  it(
    'pause and resume change the state, each with an audit ' + "row; resume clears a failed projection's error",
    async () => {
      const paused = await cli(['projections', 'pause', 'lead_dashboard']);
      expect(paused.exitCode, paused.stderr).toBe(0);
      expect(paused.stdout).toContain('lead_dashboard: pause done (active → paused');
      expect((await checkpoint('lead_dashboard')).status).toBe('paused');
      const again = await cli(['projections', 'pause', 'lead_dashboard']);
      expect(again.stdout).toContain('already paused; nothing changed');
      const resumed = await cli(['projections', 'resume', 'consent_view', '-o', 'json']);
      expect(resumed.exitCode).toBe(0);
      expect(JSON.parse(resumed.stdout)).toMatchObject({
        changed: true,
        before: { state: 'failed' },
        after: { state: 'active' },
      });
      expect(await checkpoint('consent_view')).toMatchObject({ status: 'active', error: null });
      expect(await audit('lead_dashboard')).toEqual([
        expect.objectContaining({
          operation: 'projection.pause',
          actor: 'alice@oncall',
          environment: 'local',
          outcome: 'succeeded',
        }),
      ]);
      expect((await audit('consent_view'))[0].operation).toBe('projection.resume');
    },
  );

  it('rewind moves the checkpoint back to a position or to the last event before a time, never forward', async () => {
    const back = await cli(['projections', 'rewind', 'lead_dashboard', '--to', '3']);
    expect(back.exitCode, back.stderr).toBe(0);
    expect((await checkpoint('lead_dashboard')).position).toBe(3);
    // events occurred 59..55 minutes ago: before "56.5 minutes ago" are positions 1..3
    const time = new Date(Date.now() - 56.5 * 60_000).toISOString();
    await cli(['projections', 'rewind', 'lead_dashboard', '--to', time]);
    expect((await checkpoint('lead_dashboard')).position).toBe(3);
    const earlier = new Date(Date.now() - 58.5 * 60_000).toISOString();
    await cli(['projections', 'rewind', 'lead_dashboard', '--to', earlier]);
    expect((await checkpoint('lead_dashboard')).position).toBe(1);
    const forward = await cli(['projections', 'rewind', 'lead_dashboard', '--to', '4']);
    expect(forward.exitCode).toBe(2);
    expect(forward.stderr).toContain('rewinding moves it back, not forward to 4');
    expect((await checkpoint('lead_dashboard')).position).toBe(1);
    const bad = await cli(['projections', 'rewind', 'lead_dashboard', '--to', 'yesterday']);
    expect(bad.exitCode).toBe(2);
    expect((await audit('lead_dashboard')).map((a: any) => a.details.after.position)).toEqual([3, 3, 1]);
  });

  it('an unknown projection is named with the known ones', async () => {
    const result = await cli(['projections', 'pause', 'nope']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('No projection named "nope"');
    expect(result.stderr).toContain('consent_view, lead_dashboard, lead_scoring');
  });
});

describe('projections rebuild', () => {
  it('resets the checkpoint with the head as target; --wait follows the projector until it has caught up', async () => {
    // the projector: replays from its checkpoint, a position at a time, and goes active at the target
    const projector = setInterval(() => {
      void db.pool
        .query(
          `update projection_checkpoints
                             set last_position = least(last_position + 1, rebuild_target_position),
                                 status = case when last_position + 1 >= rebuild_target_position then 'active' else
                                     status end
                           where projection_name = 'lead_scoring' and status = 'rebuilding'`,
        )
        .catch(() => {});
    }, 150);
    try {
      const result = await cli(['projections', 'rebuild', 'lead_scoring', '--wait', '--interval', '100ms']);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout).toContain('lead_scoring: rebuild done (active → rebuilding, position 2 → 0');
      expect(result.stdout).toContain('lead_scoring: caught up at position 5 (active)');
      expect(result.stderr).toMatch(/lead_scoring: position \d of 5/);
    } finally {
      clearInterval(projector);
    }
    expect(await checkpoint('lead_scoring')).toMatchObject({ status: 'active', position: 5, target: 5 });
    expect((await audit('lead_scoring'))[0]).toMatchObject({
      operation: 'projection.rebuild',
      details: { targetPosition: 5, before: { position: 2 } },
    });
  });

  it('--wait ends with exit 1 when the projector fails during the rebuild', async () => {
    setTimeout(
      () =>
        void db.pool.query(
          `update projection_checkpoints set status = 'failed', error = 'boom' where projection_name = ` +
            `'lead_dashboard'`,
        ),
      300,
    );
    const result = await cli(['projections', 'rebuild', 'lead_dashboard', '--wait', '--interval', '100ms']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('Projection lead_dashboard failed at position 0: boom');
  });

  it('on production it is refused without a terminal unless --yes --env, and then nothing changes', async () => {
    writeFileSync(
      join(dir, 'medicalcor.config.yaml'),
      'defaultEnv: prod\nenvironments:\n  prod:\n    production: true\n    databaseUrl: { env: PROD_DATABASE_URL }\n',
    );
    const prod = (args: string[]) =>
      runInProcess(args, { cwd: dir, env: { PROD_DATABASE_URL: db.url, MEDICALCOR_ACTOR: 'bob' } });
    const refused = await prod(['projections', 'rebuild', 'lead_dashboard']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('Refusing to rebuild projection lead_dashboard');
    expect(await checkpoint('lead_dashboard')).toMatchObject({ status: 'active', position: 5 });
    expect(await audit('lead_dashboard')).toEqual([]);
    const done = await prod(['--env', 'prod', 'projections', 'rebuild', 'lead_dashboard', '--yes']);
    expect(done.exitCode, done.stderr).toBe(0);
    expect(await checkpoint('lead_dashboard')).toMatchObject({ status: 'rebuilding', position: 0 });
    expect((await audit('lead_dashboard'))[0]).toMatchObject({ actor: 'bob', environment: 'prod' });
  });
});
