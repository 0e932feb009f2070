import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnapshotStore, snapshotDue, summarizeHistogram } from '../src/core/snapshots/index.js';
import { appendDomainEvent } from '../src/core/journey/writers.js';
import { runInProcess } from './helpers/in-process.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';

let db: TestDatabase;
const cli = (args: string[]) => runInProcess(args, { env: { MEDICALCOR_DATABASE_URL: db.url } });

async function stream(aggregateId: string, aggregateType: string, events: number): Promise<void> {
  for (let i = 0; i < events; i++) {
    await appendDomainEvent(db.pool, {
      aggregateId,
      aggregateType,
      eventType: 'LeadQualified',
      payload: {},
      correlationId: aggregateId,
    });
  }
}

beforeAll(async () => {
  db = await createTestDatabase('mc_snapshots');
  await applySchema(db.url);
  await stream('lead-a', 'Lead', 25); // snapshot at 20: 5 since
  await stream('lead-b', 'Lead', 12); // no snapshot: 12 since
  await stream('lead-c', 'Lead', 3); // no snapshot: 3
  await stream('appt-1', 'Appointment', 2);
  const store = new SnapshotStore(db.pool, 10);
  for (const version of [10, 20])
    await store.save({ aggregateId: 'lead-a', aggregateType: 'Lead', version, state: { v: version } });
  await store.save({ aggregateId: 'appt-1', aggregateType: 'Appointment', version: 1, state: {} });
}, 60_000);

afterAll(async () => {
  await db?.drop();
});

describe('snapshot interval rule', () => {
  it('is due once the interval of events has been appended since the last snapshot', async () => {
    expect(snapshotDue(109, 10, 100)).toBe(false);
    expect(snapshotDue(110, 10, 100)).toBe(true);
    expect(() => snapshotDue(1, 0, 0)).toThrow(/not a positive whole number/);
    const store = new SnapshotStore(db.pool, 10);
    expect(await store.saveIfDue({ aggregateId: 'lead-c', aggregateType: 'Lead', version: 3, state: {} }, 0)).toBe(
      false,
    );
    expect((await store.latest('lead-a'))?.version).toBe(20);
  });
});

describe('percentiles from the histogram', () => {
  it('agree with percentile_disc over the same values', async () => {
    const values = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 137);
    const counts = new Map<number, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    const histogram = [...counts].map(([since, n]) => ({ aggregate_type: 'Lead', since, n, without: 0 }));
    const [mine] = summarizeHistogram(histogram, 100);
    const { rows } = await db.pool.query(
      `select percentile_disc(0.5) within group (order by v) as p50, percentile_disc(0.99) within group (order by v) as
          p99,
              max(v) as max, count(*) filter (where v >= 100)::int as past from unnest($1::int[]) v`,
      [values],
    );
    expect(mine).toMatchObject({
      aggregates: 1000,
      p50: rows[0].p50,
      p99: rows[0].p99,
      max: rows[0].max,
      past: rows[0].past,
    });
  });
});

describe('snapshots status', () => {
  it(
    'shows the distribution of events since the last snapshot ' + 'and the aggregates past the interval; exit 3',
    async () => {
      const result = await cli(['snapshots', 'status', '--interval', '10', '-o', 'json']);
      expect(result.exitCode, result.stderr).toBe(3);
      const status = JSON.parse(result.stdout);
      const lead = status.types.find((t: any) => t.aggregateType === 'Lead');
      expect(lead).toMatchObject({
        aggregates: 3,
        withoutSnapshot: 2,
        pastInterval: 1,
        eventsSinceSnapshot: { p50: 5, max: 12 },
      });
      expect(lead.worst).toEqual([{ aggregateId: 'lead-b', version: 12, snapshotVersion: 0, eventsSinceSnapshot: 12 }]);
      expect(status.types.find((t: any) => t.aggregateType === 'Appointment')).toMatchObject({
        aggregates: 1,
        pastInterval: 0,
        eventsSinceSnapshot: { max: 1 },
      });
      const calm = await cli(['snapshots', 'status', '--interval', '100']);
      expect(calm.exitCode).toBe(0);
      expect(calm.stdout).toMatch(/Lead\s+3\s+2\s+5\s+12\s+12\s+0/);
    },
  );
});

describe('snapshots prune', () => {
  it(
    'keeps the newest N per aggregate; a dry run deletes ' + 'nothing; status follows the remaining snapshots',
    async () => {
      const dry = await cli(['snapshots', 'prune', '--keep', '1', '--dry-run', '-o', 'json']);
      expect(dry.exitCode, dry.stderr).toBe(0);
      expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, pruned: 1, aggregates: 1 });
      expect((await db.pool.query('select count(*)::int as n from aggregate_snapshots')).rows[0].n).toBe(3);
      const done = await cli(['snapshots', 'prune', '--keep', '1']);
      expect(done.exitCode).toBe(0);
      expect(done.stdout).toContain('Deleted 1 snapshots of 1 aggregates');
      const left = (await db.pool.query(`select version from aggregate_snapshots where aggregate_id = 'lead-a'`)).rows;
      // one audit row for the executed prune, none for the dry run
      const audit = await db.pool.query(
        `select operation, target, outcome, details->>'pruned' as pruned from event_store_operations
        where operation = 'snapshots.prune'`,
      );
      expect(audit.rows).toEqual([{ operation: 'snapshots.prune', target: '*', outcome: 'succeeded', pruned: '1' }]);
      expect(left).toEqual([{ version: 20 }]);
      // removing every snapshot of an aggregate puts its whole stream back into "since snapshot"
      await db.pool.query(`delete from aggregate_snapshots where aggregate_id = 'lead-a'`);
      const status = JSON.parse((await cli(['snapshots', 'status', '--interval', '10', '-o', 'json'])).stdout);
      expect(status.types.find((t: any) => t.aggregateType === 'Lead')).toMatchObject({
        pastInterval: 2,
        eventsSinceSnapshot: { max: 25 },
      });
      expect((await cli(['snapshots', 'prune', '--keep', '0'])).exitCode).toBe(2);
    },
  );
});
