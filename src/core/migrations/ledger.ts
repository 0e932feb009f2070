import type pg from 'pg';
import { DBMATE_APPLICATION } from './dbmate.js';

/**
 * What dbmate does not keep: the checksum of every applied file (an intent row is written before
 * dbmate runs, so the checksum is the one of the file that was really applied, even if the runner
 * is killed), and the last failed attempt, so `status` can say where a failed `up` stopped.
 */
const LEDGER_DDL = `
create table if not exists medicalcor_migration_ledger (
  version    text primary key,
  filename   text not null,
  checksum   text not null,
  state      text not null default 'applying' check (state in ('applying', 'applied')),
  applied_at timestamptz not null default now(),
  applied_by text not null
);
create table if not exists medicalcor_migration_failures (
  version   text primary key,
  filename  text not null,
  error     text not null,
  failed_at timestamptz not null default now(),
  failed_by text not null
);`;

export interface LedgerEntry {
  version: string;
  filename: string;
  checksum: string;
  state: 'applying' | 'applied';
  appliedAt: Date;
  appliedBy: string;
}

export interface FailureEntry {
  version: string;
  filename: string;
  error: string;
  failedAt: Date;
  failedBy: string;
}

export interface DatabaseState {
  /** versions in dbmate's schema_migrations, ascending */
  applied: string[];
  ledger: Map<string, LedgerEntry>;
  failures: FailureEntry[];
}

async function tableExists(db: pg.Pool | pg.ClientBase, name: string): Promise<boolean> {
  const { rows } = await db.query(`select to_regclass($1) is not null as present`, [name]);
  return Boolean(rows[0]?.present);
}

/** Reads without writing: read-only commands must not create tables. */
export async function readDatabaseState(db: pg.Pool): Promise<DatabaseState> {
  const [hasMigrations, hasLedger] = await Promise.all([tableExists(db, 'schema_migrations'), tableExists(db, 'medicalcor_migration_ledger')]);
  const applied = hasMigrations ? (await db.query(`select version::text as version from schema_migrations order by version`)).rows.map((r) => r.version as string) : [];
  const ledger = new Map<string, LedgerEntry>();
  const failures: FailureEntry[] = [];
  if (hasLedger) {
    const { rows } = await db.query(`select version, filename, checksum, state, applied_at, applied_by from medicalcor_migration_ledger`);
    for (const r of rows) ledger.set(r.version, { version: r.version, filename: r.filename, checksum: r.checksum, state: r.state, appliedAt: r.applied_at, appliedBy: r.applied_by });
    const failed = await db.query(`select version, filename, error, failed_at, failed_by from medicalcor_migration_failures order by failed_at desc`);
    for (const r of failed.rows) failures.push({ version: r.version, filename: r.filename, error: r.error, failedAt: r.failed_at, failedBy: r.failed_by });
  }
  return { applied, ledger, failures };
}

export async function ensureLedger(db: pg.Pool): Promise<void> {
  await db.query(LEDGER_DDL);
}

export async function writeIntents(db: pg.Pool, files: { version: string; filename: string; checksum: string }[], actor: string): Promise<void> {
  for (const f of files) {
    await db.query(
      `insert into medicalcor_migration_ledger (version, filename, checksum, state, applied_by) values ($1, $2, $3, 'applying', $4)
       on conflict (version) do update set filename = excluded.filename, checksum = excluded.checksum, state = 'applying', applied_at = now(), applied_by = excluded.applied_by`,
      [f.version, f.filename, f.checksum, actor],
    );
  }
}

/**
 * Settles intent rows against schema_migrations: applied versions become 'applied', the others
 * are removed. Also records rows for versions applied by bare dbmate (checksum of the file now).
 */
export async function settleLedger(db: pg.Pool, unrecorded: { version: string; filename: string; checksum: string }[], actor: string): Promise<void> {
  await db.query(
    `update medicalcor_migration_ledger l set state = 'applied', applied_at = now()
      where state = 'applying' and exists (select 1 from schema_migrations m where m.version::text = l.version)`,
  );
  await db.query(`delete from medicalcor_migration_ledger where state = 'applying'`);
  for (const f of unrecorded) {
    await db.query(
      `insert into medicalcor_migration_ledger (version, filename, checksum, state, applied_by) values ($1, $2, $3, 'applied', $4) on conflict (version) do nothing`,
      [f.version, f.filename, f.checksum, actor],
    );
  }
  await db.query(`delete from medicalcor_migration_failures f where exists (select 1 from schema_migrations m where m.version::text = f.version)`);
}

export async function recordFailure(db: pg.Pool, failure: { version: string; filename: string; error: string }, actor: string): Promise<void> {
  await db.query(
    `insert into medicalcor_migration_failures (version, filename, error, failed_by) values ($1, $2, $3, $4)
     on conflict (version) do update set filename = excluded.filename, error = excluded.error, failed_at = now(), failed_by = excluded.failed_by`,
    [failure.version, failure.filename, failure.error, actor],
  );
}

export async function forgetVersion(db: pg.Pool, version: string): Promise<void> {
  await db.query(`delete from medicalcor_migration_ledger where version = $1`, [version]);
}

/**
 * Ends dbmate sessions on this database left by a runner that was killed (we hold this
 * database's lock, so none is a live runner's; other databases' runners are not ours to touch):
 * PostgreSQL rolls back the migration they had in flight, and the next dbmate applies it whole.
 */
export async function terminateOrphanedDbmate(db: pg.Pool): Promise<number> {
  const { rows } = await db.query(
    `select pg_terminate_backend(pid) as ended from pg_stat_activity where application_name = $1 and datname = current_database() and pid <> pg_backend_pid()`,
    [DBMATE_APPLICATION],
  );
  if (rows.length) await new Promise((r) => setTimeout(r, 200));
  return rows.filter((r) => r.ended).length;
}
