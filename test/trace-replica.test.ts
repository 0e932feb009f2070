/**
 * Read replicas against the real streaming replica .ci/start-replica.sh runs on 127.0.0.1:5433:
 * trace and --failed read it and show its lag, fall back to the primary past the lag limit
 * (replay paused with pg_wal_replay_pause()), and the PII access log is written to the primary.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from './helpers/in-process.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { appendDomainEvent } from '../src/core/journey/index.js';

const REPLICA_PORT = process.env.TEST_PG_REPLICA_PORT ?? '5433';
const id = (prefix: string) => `${prefix}-${randomBytes(5).toString('hex')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let db: TestDatabase;
let replicaUrl: string;
let replica: pg.Pool;
let env: Record<string, string>;

/** Waits until the replica has replayed everything the primary wrote so far. */
async function caughtUp(): Promise<void> {
  const { rows } = await db.pool.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
  for (let i = 0; i < 600; i++) {
    const { rows: r } = await replica.query<{ done: boolean }>(
      'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done',
      [rows[0]!.lsn],
    );
    if (r[0]?.done) return;
    await sleep(100);
  }
  throw new Error('the replica did not catch up within 60 s');
}

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${REPLICA_PORT}/postgres` });
  const up = await admin
    .connect()
    .then(() => admin.query('SELECT pg_is_in_recovery() AS standby'))
    .catch(() => undefined);
  await admin.end().catch(() => {});
  if (!up?.rows[0]?.standby)
    throw new Error(`no streaming replica on 127.0.0.1:${REPLICA_PORT}: run .ci/start-replica.sh`);
  db = await createTestDatabase('mc_trace_replica');
  await applySchema(db.url);
  const url = new URL(db.url);
  url.port = REPLICA_PORT;
  replicaUrl = url.toString();
  replica = new pg.Pool({ connectionString: replicaUrl, max: 2 });
  replica.on('error', () => {});
  env = { MEDICALCOR_DATABASE_URL: db.url, MEDICALCOR_READ_DATABASE_URL: replicaUrl };
  for (let i = 0; i < 600; i++) {
    const ok = await replica.query('SELECT 1 FROM pii_access_log LIMIT 1').then(
      () => true,
      () => false,
    );
    if (ok) break;
    await sleep(100);
  }
}, 120_000);

afterAll(async () => {
  await replica?.query('SELECT pg_wal_replay_resume()').catch(() => {});
  await replica?.end().catch(() => {});
  await db?.drop();
});

describe('read replica', () => {
  it('trace and --failed read the replica and show its lag; --show-pii writes its access log to ' +
    'the primary', async () => {
    // a busy CI primary can put the replica seconds behind: a generous limit keeps this test about routing
    const env = {
      MEDICALCOR_DATABASE_URL: db.url,
      MEDICALCOR_READ_DATABASE_URL: replicaUrl,
      MEDICALCOR_MAX_REPLICA_LAG_MS: '120000',
    };
    const journey = id('replica');
    await appendDomainEvent(db.pool, {
      aggregateId: 'r1',
      aggregateType: 'Lead',
      eventType: 'LeadScoringFailed',
      correlationId: journey,
      payload: { reason: 'model down' },
    });
    await caughtUp();
    const result = await runInProcess(['trace', journey, '-o', 'json'], { env });
    expect(result.exitCode).toBe(3);
    const trace = JSON.parse(result.stdout);
    expect(trace.database.target).toBe('replica');
    expect(typeof trace.database.lagMs).toBe('number');
    expect(trace.database.reason).toMatch(/^replica lag .+ \(limit .+\)$/);
    expect(trace.items.map((i: { name: string }) => i.name)).toEqual(['LeadScoringFailed']);

    const table = await runInProcess(['trace', journey], { env });
    expect(table.stdout).toMatch(/Tables read from the replica: replica lag/);
    const failed = await runInProcess(['trace', '--failed', '-o', 'json'], { env });
    expect(JSON.parse(failed.stdout).database.target).toBe('replica');
    expect(JSON.parse(failed.stdout).journeys.map((j: { correlationId: string }) => j.correlationId)).toContain(
      journey,
    );

    const reveal = await runInProcess(['trace', journey, '-o', 'json', '--show-pii', '--reason', 'INC-9'], {
      env: { ...env, MEDICALCOR_ACTOR: 'replica@test' },
    });
    expect(reveal.exitCode).toBe(3);
    expect(JSON.parse(reveal.stdout).database.target).toBe('replica');
    const { rows } = await db.pool.query('SELECT actor, reason FROM pii_access_log WHERE correlation_id = $1', [
      journey,
    ]);
    expect(rows).toEqual([{ actor: 'replica@test', reason: 'INC-9' }]);
  }, 120_000);

  it('past the lag limit reads go to the primary, and the fallback is said; within it the ' +
    'replica (stale) is read', async () => {
    await caughtUp();
    await replica.query('SELECT pg_wal_replay_pause()');
    try {
      const journey = id('lagging');
      await appendDomainEvent(db.pool, {
        aggregateId: 'l1',
        aggregateType: 'Lead',
        eventType: 'LeadCreated',
        correlationId: journey,
        payload: {},
      });
      await sleep(1_500);

      // a generous limit: the replica is read, and it does not have the new event yet
      const stale = await runInProcess(['trace', journey, '-o', 'json'], {
        env: { ...env, MEDICALCOR_MAX_REPLICA_LAG_MS: '3600000' },
      });
      expect(JSON.parse(stale.stdout).database.target).toBe('replica');
      expect(JSON.parse(stale.stdout).database.lagMs).toBeGreaterThan(1_000);
      expect(stale.exitCode).toBe(1);

      const result = await runInProcess(['trace', journey, '-o', 'json'], {
        env: { ...env, MEDICALCOR_MAX_REPLICA_LAG_MS: '500' },
      });
      expect(result.exitCode).toBe(0);
      const trace = JSON.parse(result.stdout);
      expect(trace.database.target).toBe('primary');
      expect(trace.database.lagMs).toBeGreaterThan(500);
      expect(trace.database.reason).toMatch(/exceeds the limit of 500 ms: reading the primary/);
      expect(trace.items.map((i: { name: string }) => i.name)).toEqual(['LeadCreated']);
      expect(result.stderr).toContain('reading the primary');
    } finally {
      await replica.query('SELECT pg_wal_replay_resume()');
    }
  }, 120_000);

  it('an unreachable replica falls back to the primary and says so', async () => {
    const journey = id('noreplica');
    await appendDomainEvent(db.pool, {
      aggregateId: 'u1',
      aggregateType: 'Lead',
      eventType: 'LeadCreated',
      correlationId: journey,
      payload: {},
    });
    const result = await runInProcess(['trace', journey, '-o', 'json'], {
      env: { ...env, MEDICALCOR_READ_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none?sslmode=disable' },
    });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).database).toMatchObject({ target: 'primary' });
    expect(result.stderr).toMatch(/read replica .* unreachable .*reading the primary/);
  });
});
