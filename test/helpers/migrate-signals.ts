import { readdirSync, readFileSync } from 'node:fs';
import type { ResultPromise } from 'execa';
import { expect } from 'vitest';
import type { TestDatabase } from './postgres.js';

/** Resolves once the child has printed `text` on stderr; rejects if it exits first. */
export function stderrShows(child: ResultPromise, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) resolve();
    });
    void child.finally(() => reject(new Error(`exited before printing "${text}": ${seen}`)));
  });
}

/** Polls `check` until it holds (a state, not a time: the bound only keeps a broken run from hanging). */
export async function until(check: () => Promise<boolean>, what: string, boundMs = 30_000): Promise<void> {
  const end = Date.now() + boundMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`never true: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A dbmate session of a medicalcor runner is running a statement containing `fragment`. */
export async function dbmateRunning(db: TestDatabase, fragment: string): Promise<boolean> {
  const { rows } = await db.pool.query(
    `select count(*)::int as n from pg_stat_activity
      where datname = current_database() and application_name like 'medicalcor-dbmate:%' and state = 'active' and query
          like '%' || $1 || '%'`,
    [fragment],
  );
  return rows[0].n > 0;
}

/** dbmate sessions of a medicalcor runner on the test database. */
export async function dbmateSessions(db: TestDatabase): Promise<number> {
  const { rows } = await db.pool.query(
    'select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name like ' +
      `'medicalcor-dbmate:%'`,
  );
  return rows[0].n;
}

/**
 * Sessions a medicalcor process opened on the test database (the runner, dbmate, the watcher), each
 * named with its state and statement, so a failed expectation says which were left.
 */
export async function medicalcorSessionList(db: TestDatabase): Promise<string[]> {
  const { rows } = await db.pool.query(
    `select application_name || ' (' || coalesce(state, '?') || ': ' || left(query, 60) || ')' as s
       from pg_stat_activity
      where datname = current_database() and application_name like 'medicalcor%' and pid <> pg_backend_pid()`,
  );
  return rows.map((r) => r.s);
}

export async function medicalcorSessions(db: TestDatabase): Promise<number> {
  return (await medicalcorSessionList(db)).length;
}

export async function advisoryLocks(db: TestDatabase): Promise<number> {
  const { rows } = await db.pool.query(
    `select count(*)::int as n from pg_locks where locktype = 'advisory' and database = (select oid from pg_database ` +
      'where datname = current_database())',
  );
  return rows[0].n;
}

/** Processes (the watcher, dbmate) whose command line names `marker` (the test's migrations directory). */
export function processesNaming(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

export async function appliedVersions(db: TestDatabase): Promise<string[]> {
  const { rows } = await db.pool
    .query(`select coalesce(array_agg(version::text order by version), '{}') as v from schema_migrations`)
    .catch(() => ({ rows: [{ v: [] }] }));
  return rows[0].v;
}

/** The ledger says exactly what schema_migrations says: every row applied, the same versions. */
export async function expectLedgerAgrees(db: TestDatabase): Promise<void> {
  const applied = await appliedVersions(db);
  const { rows } = await db.pool
    .query(`select coalesce(array_agg(version order by version) filter (where state = 'applied'), '{}') as applied,
                   count(*) filter (where state <> 'applied')::int as other from medicalcor_migration_ledger`)
    .catch(() => ({ rows: [{ applied: [], other: 0 }] }));
  expect(rows[0].other).toBe(0);
  expect(rows[0].applied).toEqual(applied);
}
