/**
 * The run lease against a real PostgreSQL 15: the heartbeat keeps a live run's lease ahead of
 * now, so a runner on another host waits; once the heartbeat stops, the lease runs out and is
 * taken over, and the old runner learns it lost the lease. States, not times, are asserted
 * (the TTL is short so the test is quick; the checks poll).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireRunLease, type NewRun } from '../src/core/runbook/index.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';

let db: TestDatabase;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  db = await createTestDatabase('mc_runbook_lease');
  await applySchema(db.url);
});
afterAll(async () => db?.drop());

const newRun = (runbookId: string): NewRun => ({
  id: randomUUID(),
  runbookId,
  environment: 'local',
  actor: 'lease-test',
  parameters: {},
  rollback: true,
});

async function status(id: string): Promise<string> {
  return (await db.pool.query('select status from runbook_runs where id = $1', [id])).rows[0].status as string;
}

describe('run lease', () => {
  it('a heartbeat keeps the lease; without it the lease runs out and is taken over', { timeout: 120_000 }, async () => {
    const first = newRun('lease-heartbeat');
    const remoteHolder = { host: 'another-host', pid: 1 };
    const lease = await acquireRunLease(db.pool, first, { timeoutMs: 0, ttlMs: 2_000, holder: remoteHolder });
    await pause(5_000); // more than two TTLs: only the heartbeat can have kept it alive
    const here = { host: 'third-host', pid: 2 };
    await expect(
      acquireRunLease(db.pool, newRun('lease-heartbeat'), { timeoutMs: 0, ttlMs: 2_000, holder: here }),
    ).rejects.toMatchObject({ kind: 'conflict', code: 'runbook.running' });
    expect(await status(first.id)).toBe('running');

    lease.release(); // the runner stops beating (a frozen or partitioned process)
    let takenOver: Awaited<ReturnType<typeof acquireRunLease>> | undefined;
    for (let i = 0; i < 300 && !takenOver; i++) {
      await pause(100);
      takenOver = await acquireRunLease(db.pool, newRun('lease-heartbeat'), {
        timeoutMs: 0,
        ttlMs: 2_000,
        holder: here,
      }).catch(() => undefined);
    }
    expect(takenOver).toBeDefined();
    expect(await status(first.id)).toBe('interrupted');
    takenOver!.release();
  });

  it('a holder whose lease was taken over sees its lost signal fire at the next heartbeat', async () => {
    const run = newRun('lease-lost');
    const lease = await acquireRunLease(db.pool, run, { timeoutMs: 0, ttlMs: 300, holder: { host: 'h', pid: 3 } });
    await db.pool.query(`update runbook_runs set status = 'interrupted', finished_at = now() where id = $1`, [run.id]);
    for (let i = 0; i < 100 && !lease.lost.aborted; i++) await pause(50);
    expect(lease.lost.aborted).toBe(true);
    lease.release();
  });
});
