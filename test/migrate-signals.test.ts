import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnCli } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';
import {
  advisoryLocks,
  appliedVersions,
  dbmateRunning,
  dbmateSessions,
  expectLedgerAgrees,
  medicalcorSessionList,
  medicalcorSessions,
  processesNaming,
  stderrShows,
  until,
} from './helpers/migrate-signals.js';
import { makeMigrationsDir, migration, SMALL_SCHEMA } from './helpers/migrations-dir.js';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.js';

/**
 * SIGINT, SIGTERM and SIGKILL at each phase of `migrate up` and `migrate down`, against real
 * PostgreSQL 15 and dbmate. Afterwards: no server session of the killed runner, no lock held,
 * no process of it left, the ledger agrees with schema_migrations, and status tells the truth.
 */
const SLEEP_S = 6;
const LOCK_KEY = `('x' || substr(md5('medicalcor:migrate'), 1, 16))::bit(64)::bigint`;
const SLOW = '20240101000004_slow.sql';

let db: TestDatabase;
let dir: string;
/** the runner's $TMPDIR, where nothing may be left */
let runnerTmp: string;
afterEach(async () => {
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (runnerTmp) rmSync(runnerTmp, { recursive: true, force: true });
});

/** SMALL_SCHEMA plus a fourth migration whose up (or down) holds ACCESS EXCLUSIVE on patients while it sleeps. */
async function setup(slow: 'up' | 'down' | 'none') {
  db = await createTestDatabase('mc_sig');
  const slowSql = `lock table patients in access exclusive mode;\nselect pg_sleep(${SLEEP_S});`;
  const up = `create table slow_one (id bigint);${slow === 'up' ? `\n${slowSql}` : ''}`;
  const down = `${slow === 'down' ? `${slowSql}\n` : ''}drop table slow_one;`;
  dir = makeMigrationsDir({ ...SMALL_SCHEMA, [SLOW]: migration(up, down) });
  runnerTmp = mkdtempSync(join(tmpdir(), 'mc-sig-tmp-'));
}

const args = (...rest: string[]) => ['--database-url', db.url, '--migrations-dir', dir, ...rest];

type Signal = 'SIGINT' | 'SIGTERM' | 'SIGKILL';
type Phase = 'before the lock' | 'waiting on the lock' | 'during a migration' | 'between migrations';

/** A reader that gives up after 1 s of waiting for a lock: it must succeed once the runner says it stopped. */
async function readerGetsThrough(): Promise<boolean> {
  const reader = new pg.Client({ connectionString: db.url });
  await reader.connect();
  try {
    await reader.query(`set lock_timeout = '1s'`);
    await reader.query('select count(*) from patients');
    return true;
  } catch {
    return false;
  } finally {
    await reader.end();
  }
}

/**
 * Runs `verb` and delivers `signal` at `phase`. Returns what the runner printed and how it ended,
 * after every state check that must hold the moment it is gone.
 */
async function interrupt(
  verb: string[],
  signal: Signal,
  phase: Phase,
  progressLine: string,
  sleepFragment = 'pg_sleep',
) {
  let holder: pg.Client | undefined;
  if (phase === 'waiting on the lock') {
    holder = new pg.Client({ connectionString: db.url, application_name: 'test-lock-holder' });
    await holder.connect();
    await holder.query(`select pg_advisory_lock(${LOCK_KEY})`);
  }
  const child = spawnCli(args(...verb, '--progress'), { env: { TMPDIR: runnerTmp } });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => void (stderr += c.toString()));
  let busySince = 0;
  try {
    if (phase === 'waiting on the lock') await stderrShows(child, 'waiting for the migration lock');
    if (phase === 'during a migration') {
      await until(() => dbmateRunning(db, sleepFragment), 'the dbmate session is in the slow statement');
      busySince = Date.now();
    }
    if (phase === 'between migrations') await stderrShows(child, progressLine);
    child.kill(signal);
    const result = await child;
    return { result, stderr, stdout: String(result.stdout ?? ''), busySince };
  } finally {
    await holder?.query(`select pg_advisory_unlock_all()`);
    await holder?.end();
  }
}

/** What must hold once the runner and (after kill -9) its watcher are gone. */
async function expectNothingLeft() {
  // after kill -9 the watcher notices its pipe closed, kills dbmate and ends its sessions; after a
  // clean exit the server may take a moment to retire the runner's own closed connections
  await until(
    async () =>
      (await medicalcorSessions(db)) === 0 && processesNaming(dir).length === 0 && (await advisoryLocks(db)) === 0,
    'the runner leaves nothing',
  );
  expect(await medicalcorSessionList(db)).toEqual([]);
  expect(processesNaming(dir)).toEqual([]);
  expect(await advisoryLocks(db)).toBe(0);
  // nor a file: dbmate's captured output (each rollback's) has no name to leave behind
  expect(readdirSync(runnerTmp)).toEqual([]);
}

/** status resolves what a dead runner left, then the ledger agrees with schema_migrations and status says so. */
async function expectStatusTrue() {
  const status = await runInProcess(args('migrate', 'status', '-o', 'json'));
  expect(status.exitCode, status.stderr).toBe(0);
  const report = JSON.parse(status.stdout);
  const applied = await appliedVersions(db);
  expect(report.currentVersion).toBe(applied.at(-1) ?? null);
  expect(report.applied).toBe(applied.length);
  await expectLedgerAgrees(db);
}

const SIGNALS: Signal[] = ['SIGINT', 'SIGTERM', 'SIGKILL'];
const PHASES: Phase[] = ['before the lock', 'waiting on the lock', 'during a migration', 'between migrations'];
const cases = SIGNALS.flatMap((signal) => PHASES.map((phase) => [signal, phase] as const));

describe('migrate up, interrupted', () => {
  it.each(cases)(
    '%s %s: nothing left running, nothing committed afterwards, the truth told',
    async (signal, phase) => {
      await setup(phase === 'during a migration' ? 'up' : 'none');
      const { result, stderr, stdout, busySince } = await interrupt(
        ['migrate', 'up'],
        signal,
        phase,
        'applying migration 2 of 4',
      );
      if (signal === 'SIGKILL') expect(result.signal).toBe('SIGKILL');
      else if (phase !== 'before the lock') expect(result.exitCode, stderr).toBe(130);

      if (signal !== 'SIGKILL' && phase === 'during a migration') {
        // said only once the session and its ACCESS EXCLUSIVE lock are gone
        expect(await dbmateSessions(db)).toBe(0);
        expect(await readerGetsThrough()).toBe(true);
        expect(stderr).toContain(`${SLOW} was in flight and was not applied`);
        expect(stderr).toContain('The database is at version 20240101000003');
      }
      await expectNothingLeft();
      if (phase === 'during a migration') {
        // past the moment the interrupted migration's sleep would have ended, it has not committed
        await new Promise((r) => setTimeout(r, Math.max(0, busySince + SLEEP_S * 1000 + 1000 - Date.now())));
        expect(await appliedVersions(db)).toEqual(['20240101000001', '20240101000002', '20240101000003']);
        expect((await db.pool.query(`select to_regclass('slow_one') is null as absent`)).rows[0].absent).toBe(true);
      }
      if (phase === 'waiting on the lock') expect(await appliedVersions(db)).toEqual([]);
      if (signal !== 'SIGKILL' && phase !== 'before the lock') {
        // nothing named applied that the database does not hold, and the version said is the real one
        const applied = await appliedVersions(db);
        for (const [, file] of `${stdout}\n${stderr}`.matchAll(/applied: (\S+\.sql)/gi))
          expect(applied).toContain(file!.slice(0, 14));
        expect(stderr).toContain(`The database is at version ${applied.at(-1) ?? 'none'}`);
      }
      await expectStatusTrue();
      const again = await runInProcess(args('migrate', 'up'));
      expect(again.exitCode, again.stderr).toBe(0);
      expect(await appliedVersions(db)).toHaveLength(4);
      await expectLedgerAgrees(db);
    },
    120_000,
  );
});

describe('migrate down, interrupted', () => {
  it.each(cases)(
    '%s %s: nothing left running, nothing rolled back afterwards, the truth told',
    async (signal, phase) => {
      await setup(phase === 'during a migration' ? 'down' : 'none');
      expect((await runInProcess(args('migrate', 'up'))).exitCode).toBe(0);
      const verb = phase === 'during a migration' ? ['migrate', 'down'] : ['migrate', 'down', '3'];
      const { result, stderr, busySince } = await interrupt(verb, signal, phase, 'rolling back migration 2 of 3');
      if (signal === 'SIGKILL') expect(result.signal).toBe('SIGKILL');
      else if (phase !== 'before the lock') expect(result.exitCode, stderr).toBe(130);

      if (signal !== 'SIGKILL' && phase === 'during a migration') {
        expect(await dbmateSessions(db)).toBe(0);
        expect(await readerGetsThrough()).toBe(true);
        expect(stderr).toContain(`${SLOW} was in flight and was not rolled back`);
      }
      await expectNothingLeft();
      if (phase === 'during a migration') {
        await new Promise((r) => setTimeout(r, Math.max(0, busySince + SLEEP_S * 1000 + 1000 - Date.now())));
        expect(await appliedVersions(db)).toHaveLength(4);
        expect((await db.pool.query(`select to_regclass('slow_one') is not null as present`)).rows[0].present).toBe(
          true,
        );
      }
      if (phase === 'waiting on the lock') expect(await appliedVersions(db)).toHaveLength(4);
      if (signal !== 'SIGKILL' && phase !== 'before the lock') {
        const applied = await appliedVersions(db);
        expect(stderr).toContain(`The database is at version ${applied.at(-1) ?? 'none'}`);
      }
      await expectStatusTrue();
      const again = await runInProcess(args('migrate', 'up'));
      expect(again.exitCode, again.stderr).toBe(0);
      expect(await appliedVersions(db)).toHaveLength(4);
      await expectLedgerAgrees(db);
    },
    120_000,
  );
});

describe('the terminal goes away (SIGHUP)', () => {
  it('during a migration: stopped like Ctrl-C, said after the session and its lock are gone, exit 130', async () => {
    await setup('up');
    const child = spawnCli(args('migrate', 'up', '--progress'));
    await until(() => dbmateRunning(db, 'pg_sleep'), 'the dbmate session is in the slow statement');
    child.kill('SIGHUP');
    const result = await child;
    expect(result.exitCode, String(result.stderr)).toBe(130);
    expect(await dbmateSessions(db)).toBe(0);
    expect(await readerGetsThrough()).toBe(true);
    expect(String(result.stderr)).toContain(`${SLOW} was in flight and was not applied`);
    await expectNothingLeft();
    expect(await appliedVersions(db)).toEqual(['20240101000001', '20240101000002', '20240101000003']);
    await expectStatusTrue();
  }, 120_000);
});

describe('a runner killed with kill -9 in a long statement', () => {
  // the matrix's statements end within seconds anyway; this one outlasts every bound below, so only
  // the watcher's own cleanup (kill dbmate, then terminate its sessions) can end the session in time
  it('its watcher ends the dbmate session while the statement would still run; nothing commits', async () => {
    await setup('none');
    const LONG_S = 600;
    writeFileSync(
      join(dir, SLOW),
      migration(`create table slow_one (id bigint);\nselect pg_sleep(${LONG_S});`, 'drop table slow_one;'),
    );
    const child = spawnCli(args('migrate', 'up'), { env: { TMPDIR: runnerTmp } });
    await until(() => dbmateRunning(db, `pg_sleep(${LONG_S})`), 'dbmate is in the long statement');
    child.kill('SIGKILL');
    expect((await child).signal).toBe('SIGKILL');
    await expectNothingLeft();
    expect(await appliedVersions(db)).toEqual(['20240101000001', '20240101000002', '20240101000003']);
    expect((await db.pool.query(`select to_regclass('slow_one') is null as absent`)).rows[0].absent).toBe(true);
  }, 120_000);
});

describe('a runner killed with kill -9 before its watcher could act', () => {
  it('the next up terminates the orphaned dbmate session, settles the ledger and says so', async () => {
    await setup('up');
    // a dbmate session whose runner is gone, as left by an older medicalcor or a killed watcher
    const orphan = new pg.Client({ connectionString: db.url, application_name: 'medicalcor-dbmate:999999:dead00' });
    await orphan.connect();
    orphan.on('error', () => {});
    await db.pool.query(`create table medicalcor_migration_ledger (version text primary key, filename text not null,
      checksum text not null, state text not null default 'applying', applied_at timestamptz not null default now(),
      applied_by text not null)`);
    await db.pool.query(
      `insert into medicalcor_migration_ledger (version, filename, checksum, applied_by)
       values ('20240101000001', '20240101000001_create_patients.sql', 'x', 'gone@host')`,
    );
    const sleeping = orphan.query(`select pg_sleep(60)`).catch(() => 'terminated');
    await until(() => dbmateRunning(db, 'pg_sleep(60)'), 'the orphan runs');
    const status = await runInProcess(args('migrate', 'status', '-o', 'json'));
    expect(status.exitCode).toBe(3);
    expect(JSON.parse(status.stdout).findings).toContainEqual(expect.objectContaining({ code: 'orphan-session' }));
    writeFileSync(join(dir, SLOW), migration('create table slow_one (id bigint);', 'drop table slow_one;'));
    const up = await runInProcess(args('migrate', 'up'));
    expect(up.exitCode, up.stderr).toBe(0);
    expect(await sleeping).toBe('terminated');
    expect(up.stderr).toContain('terminated 1 dbmate session(s) left by a runner that is gone');
    expect(up.stderr).toContain('20240101000001_create_patients.sql was left "applying" by a runner that is gone');
    expect(await appliedVersions(db)).toHaveLength(4);
    await expectLedgerAgrees(db);
  }, 120_000);
});
