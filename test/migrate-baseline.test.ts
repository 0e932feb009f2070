import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runInProcess } from './helpers/in-process.js';
import { makeMigrationsDir, SMALL_SCHEMA } from './helpers/migrations-dir.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';

let db: TestDatabase;
let dir: string;
const cli = (...args: string[]) => runInProcess(['--database-url', db.url, '--migrations-dir', dir, ...args]);
const versions = async () =>
  (
    await db.pool
      .query(`select coalesce(array_agg(version::text order by version), '{}') as v from schema_migrations`)
      .catch(() => ({ rows: [{ v: null }] }))
  ).rows[0].v as string[] | null;

/** A database that has the schema of the first `n` migrations but no record of them (built before dbmate). */
async function existingDatabase(n: number) {
  const only = makeMigrationsDir(Object.fromEntries(Object.entries(SMALL_SCHEMA).slice(0, n)));
  await applySchema(db.url, only);
  rmSync(only, { recursive: true, force: true });
  await db.pool.query('drop table schema_migrations');
}

beforeEach(async () => {
  db = await createTestDatabase('mc_base');
  dir = makeMigrationsDir(SMALL_SCHEMA);
});
afterEach(async () => {
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('migrate baseline --to (PostgreSQL 15, server shadow)', () => {
  const UP_WITHOUT_BASELINE_FAILS =
    'without a baseline, up on an existing schema fails at the first migration (the problem baseline solves)';
  it(UP_WITHOUT_BASELINE_FAILS, async () => {
    await existingDatabase(2);
    const up = await cli('migrate', 'up');
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toContain('already exists');
  });

  const RECORDS_MATCHING_VERSIONS =
    'records the versions when the live schema equals the migrations up to VERSION; up then applies only the rest';
  it(RECORDS_MATCHING_VERSIONS, async () => {
    await existingDatabase(2);
    const run = await cli('migrate', 'baseline', '--to', '20240101000002', '-o', 'json');
    expect(run.exitCode, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ recorded: true, forced: false, differences: [], currentVersion: '20240101000002' });
    expect(report.shadow).toMatch(/^medicalcor_shadow_/);
    expect(await versions()).toEqual(['20240101000001', '20240101000002']);
    const ledger = await db.pool.query(`select version, state, note from medicalcor_migration_ledger order by version`);
    expect(ledger.rows).toEqual([
      { version: '20240101000001', state: 'applied', note: 'baseline: live schema verified equal' },
      { version: '20240101000002', state: 'applied', note: 'baseline: live schema verified equal' },
    ]);
    expect((await cli('migrate', 'verify')).exitCode).toBe(0);
    const status = JSON.parse((await cli('migrate', 'status', '-o', 'json')).stdout);
    expect(status.migrations[0]).toMatchObject({ state: 'applied', note: 'baseline: live schema verified equal' });
    const up = await cli('migrate', 'up');
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stdout).toContain('applied: 20240101000003_add_visits_note.sql');
    const again = await cli('migrate', 'baseline', '--to', '20240101000002');
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain('already has versions newer than 20240101000002');
  });

  it('prints the differences and exits 3 without recording anything when the live schema differs', async () => {
    await existingDatabase(2);
    await db.pool.query('alter table visits add column legacy_flag boolean');
    await db.pool.query('alter table patients alter column name set not null');
    const run = await cli('migrate', 'baseline', '--to', '20240101000002');
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toContain('visits.legacy_flag');
    expect(run.stdout).toMatch(/patients\.name.*nullable|not.?null/i);
    expect(run.stdout).toContain('nothing was recorded');
    expect(await versions()).toBeNull();
    const json = JSON.parse((await cli('migrate', 'baseline', '--to', '20240101000002', '-o', 'json')).stdout);
    expect(json.recorded).toBe(false);
    expect(json.differences.map((d: { name: string }) => d.name)).toEqual(
      expect.arrayContaining([expect.stringContaining('legacy_flag')]),
    );
  });

  it('a baseline to a version the live schema has not reached differs too (exit 3)', async () => {
    await existingDatabase(2);
    const run = await cli('migrate', 'baseline', '--to', '20240101000003', '-o', 'json');
    expect(run.exitCode).toBe(3);
    expect(JSON.parse(run.stdout).differences).toContainEqual(
      expect.objectContaining({ name: expect.stringContaining('visits.note'), change: 'removed' }),
    );
  });

  it('--force records anyway and the ledger says it was forced past the differences', async () => {
    await existingDatabase(2);
    await db.pool.query('alter table visits add column legacy_flag boolean');
    const run = await cli('migrate', 'baseline', '--to', '20240101000002', '--force');
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('DESPITE 1 difference(s)');
    expect(await versions()).toEqual(['20240101000001', '20240101000002']);
    const notes = await db.pool.query(`select distinct note from medicalcor_migration_ledger`);
    expect(notes.rows).toEqual([{ note: 'baseline forced past 1 difference(s) from the live schema' }]);
  });

  it('an unknown version is a usage error; --to is required', async () => {
    expect((await cli('migrate', 'baseline', '--to', '20991231000000')).exitCode).toBe(2);
    expect((await cli('migrate', 'baseline')).exitCode).toBe(2);
  });
});
