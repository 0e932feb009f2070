import type pg from 'pg';
import { describeHolder } from '../db/index.js';
import { DBMATE_APPLICATION } from './dbmate.js';
import { invalidIndexesSql, type InvalidIndex } from './indexes.js';
import { LOCK_HOLDER_SQL, MIGRATE_LOCK } from './lock.js';

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
);
-- how a row was recorded when dbmate did not apply it: a verified baseline, or one forced past differences
alter table medicalcor_migration_ledger add column if not exists note text;`;

export interface LedgerEntry {
  version: string;
  filename: string;
  checksum: string;
  state: 'applying' | 'applied';
  appliedAt: Date;
  appliedBy: string;
  /** set when the row was recorded without dbmate applying it (a baseline) */
  note?: string;
}

export interface FailureEntry {
  version: string;
  filename: string;
  error: string;
  failedAt: Date;
  failedBy: string;
}

/** A dbmate session on this database; when no runner holds the lock, its runner is gone. */
export interface DbmateSession {
  pid: number;
  applicationName: string;
  state: string;
  since: Date | null;
}

export interface DatabaseState {
  /** versions in dbmate's schema_migrations, ascending */
  applied: string[];
  ledger: Map<string, LedgerEntry>;
  failures: FailureEntry[];
  hasLedger: boolean;
  /** indexes PostgreSQL marks INVALID (a failed or interrupted CREATE INDEX CONCURRENTLY) */
  invalidIndexes: InvalidIndex[];
  /** who holds the migration lock, when another session does: a runner is live */
  lockHolder?: string;
  dbmateSessions: DbmateSession[];
}

type Row = Record<string, unknown>;
const asDate = (v: unknown) => (v instanceof Date ? v : new Date(String(v)));

/**
 * Reads without writing (read-only commands must not create tables), in two round trips: what
 * exists and who is running, then the contents of the tables that exist.
 */
export async function readDatabaseState(db: pg.Pool | pg.ClientBase): Promise<DatabaseState> {
  const first = await db.query(
    `select to_regclass('schema_migrations') is not null as has_migrations,
            to_regclass('medicalcor_migration_ledger') is not null as has_ledger,
            to_regclass('medicalcor_migration_failures') is not null as has_failures,
            (select coalesce(json_agg(i), '[]') from (${invalidIndexesSql}) i) as invalid_indexes,
            (select row_to_json(h) from (${LOCK_HOLDER_SQL}) h) as holder,
            (select coalesce(json_agg(json_build_object('pid', pid, 'applicationName', application_name,
                                                        'state', state, 'since', query_start)), '[]')
               from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()
                and (application_name like '${DBMATE_APPLICATION}:%'
                     or application_name = '${DBMATE_APPLICATION}')) as sessions`,
    [MIGRATE_LOCK],
  );
  const head = first.rows[0] as Row;
  const parts: string[] = [];
  if (head.has_migrations)
    parts.push(`(select coalesce(json_agg(version::text order by version), '[]') from schema_migrations) as applied`);
  if (head.has_ledger) parts.push(`(select coalesce(json_agg(l), '[]') from medicalcor_migration_ledger l) as ledger`);
  if (head.has_failures)
    parts.push(
      `(select coalesce(json_agg(f order by failed_at desc), '[]') from medicalcor_migration_failures f) as failures`,
    );
  const body: Row = parts.length ? ((await db.query(`select ${parts.join(', ')}`)).rows[0] as Row) : {};
  const ledger = new Map<string, LedgerEntry>();
  for (const r of (body.ledger ?? []) as Row[]) {
    ledger.set(String(r.version), {
      version: String(r.version),
      filename: String(r.filename),
      checksum: String(r.checksum),
      state: r.state as LedgerEntry['state'],
      appliedAt: asDate(r.applied_at),
      appliedBy: String(r.applied_by),
      note: typeof r.note === 'string' ? r.note : undefined,
    });
  }
  const failures = ((body.failures ?? []) as Row[]).map((r) => ({
    version: String(r.version),
    filename: String(r.filename),
    error: String(r.error),
    failedAt: asDate(r.failed_at),
    failedBy: String(r.failed_by),
  }));
  const holder = head.holder as Row | null;
  return {
    applied: (body.applied ?? []) as string[],
    ledger,
    failures,
    hasLedger: Boolean(head.has_ledger && head.has_failures),
    invalidIndexes: head.invalid_indexes as InvalidIndex[],
    lockHolder: holder
      ? describeHolder({
          pid: Number(holder.pid),
          applicationName: String(holder.application_name ?? ''),
          clientAddr: (holder.client_addr as string) ?? null,
          since: holder.backend_start ? asDate(holder.backend_start) : null,
        })
      : undefined,
    dbmateSessions: ((head.sessions ?? []) as Row[]).map((s) => ({
      pid: Number(s.pid),
      applicationName: String(s.applicationName),
      state: String(s.state ?? ''),
      since: s.since ? asDate(s.since) : null,
    })),
  };
}

export async function ensureLedger(db: pg.Pool | pg.ClientBase): Promise<void> {
  await db.query(LEDGER_DDL);
}

export interface FileRef {
  version: string;
  filename: string;
  checksum: string;
}

const columns = (files: readonly FileRef[]) => [
  files.map((f) => f.version),
  files.map((f) => f.filename),
  files.map((f) => f.checksum),
];

/** One round trip for all the intents of a run: the checksums of the files about to be applied. */
export async function writeIntents(
  db: pg.Pool | pg.ClientBase,
  files: readonly FileRef[],
  actor: string,
): Promise<void> {
  if (files.length === 0) return;
  await db.query(
    `insert into medicalcor_migration_ledger (version, filename, checksum, state, applied_by)
     select v, f, c, 'applying', $4 from unnest($1::text[], $2::text[], $3::text[]) as t(v, f, c)
     on conflict (version) do update set filename = excluded.filename, checksum = excluded.checksum, state = 'applying',
       applied_at = now(), applied_by = excluded.applied_by`,
    [...columns(files), actor],
  );
}

/**
 * One round trip for the results of a run: this run's intents whose version schema_migrations
 * holds become 'applied', the others are removed; versions applied by bare dbmate get a row
 * (checksum of the file now); failures of applied versions are cleared. Returns the versions in
 * schema_migrations afterwards and the INVALID indexes present (what a failed transaction:false migration left).
 */
export async function settleRun(
  db: pg.Pool | pg.ClientBase,
  intents: readonly string[],
  unrecorded: readonly FileRef[],
  actor: string,
): Promise<{ applied: string[]; invalidIndexes: InvalidIndex[] }> {
  const { rows } = await db.query(
    `with applied as (select version::text as version from schema_migrations),
     settled as (
       update medicalcor_migration_ledger l set state = 'applied', applied_at = now()
        where l.state = 'applying' and l.version = any($1::text[]) and l.version in (select version from applied)
        returning 1),
     dropped as (
       delete from medicalcor_migration_ledger l
        where l.state = 'applying' and l.version = any($1::text[])
          and l.version not in (select version from applied)
        returning 1),
     recorded as (
       insert into medicalcor_migration_ledger (version, filename, checksum, state, applied_by)
       select v, f, c, 'applied', $5 from unnest($2::text[], $3::text[], $4::text[]) as t(v, f, c)
        where v in (select version from applied)
       -- a dead runner's intent for a version that committed: its checksum is the text that ran
       on conflict (version) do update set state = 'applied' where medicalcor_migration_ledger.state = 'applying'
       returning 1),
     cleared as (
       delete from medicalcor_migration_failures f where f.version in (select version from applied) returning 1)
     select coalesce((select json_agg(version order by version) from applied), '[]') as applied,
            (select coalesce(json_agg(i), '[]') from (${invalidIndexesSql}) i) as invalid_indexes,
            (select count(*) from settled) + (select count(*) from dropped)
              + (select count(*) from recorded) + (select count(*) from cleared) as touched`,
    [intents, ...columns(unrecorded), actor],
  );
  return { applied: rows[0].applied as string[], invalidIndexes: rows[0].invalid_indexes as InvalidIndex[] };
}

export async function recordFailure(
  db: pg.Pool | pg.ClientBase,
  failure: { version: string; filename: string; error: string },
  actor: string,
): Promise<void> {
  await db.query(
    `insert into medicalcor_migration_failures (version, filename, error, failed_by) values ($1, $2, $3, $4)
     on conflict (version) do update set filename = excluded.filename, error = excluded.error, failed_at = now(),
       failed_by = excluded.failed_by`,
    [failure.version, failure.filename, failure.error, actor],
  );
}

export async function forgetVersion(db: pg.Pool | pg.ClientBase, version: string): Promise<void> {
  await db.query(`delete from medicalcor_migration_ledger where version = $1`, [version]);
}

/** A row left 'applying' by a runner that is gone, and what the database says really happened. */
export interface StaleIntent {
  entry: LedgerEntry;
  /**
   * 'applied': schema_migrations holds the version (the intent's checksum is the text that ran);
   * 'not-applied': it does not (an 'applying' row whose migration rolled back, or an 'applied' row
   * whose rollback committed after its runner died, or that bare dbmate rolled back)
   */
  outcome: 'applied' | 'not-applied';
}

/** Settles stale intents with what schema_migrations holds, in one round trip; the caller holds the lock. */
export async function resolveStaleIntents(db: pg.Pool | pg.ClientBase, stale: readonly StaleIntent[]): Promise<void> {
  if (stale.length === 0) return;
  const applied = stale.filter((s) => s.outcome === 'applied').map((s) => s.entry.version);
  const gone = stale.filter((s) => s.outcome === 'not-applied').map((s) => s.entry.version);
  await db.query(
    `with a as (update medicalcor_migration_ledger set state = 'applied'
                  where state = 'applying' and version = any($1::text[]) returning 1),
          g as (delete from medicalcor_migration_ledger where version = any($2::text[]) returning 1)
     select (select count(*) from a) + (select count(*) from g) as n`,
    [applied, gone],
  );
}

/**
 * Ends dbmate sessions on this database left by a runner that was killed (we hold this
 * database's lock, so none is a live runner's; other databases' runners are not ours to touch),
 * and waits until they are gone: PostgreSQL rolls back what they had in flight.
 */
export async function terminateOrphanedDbmate(
  db: pg.Pool | pg.ClientBase,
  sessions: readonly DbmateSession[],
): Promise<number> {
  if (sessions.length === 0) return 0;
  const pids = sessions.map((s) => s.pid);
  await db.query(`select pg_terminate_backend(pid) from unnest($1::int[]) as pid`, [pids]);
  for (let i = 0; i < 600; i++) {
    const { rows } = await db.query(`select count(*)::int as n from pg_stat_activity where pid = any($1::int[])`, [
      pids,
    ]);
    if (rows[0].n === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return pids.length;
}
