import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from './helpers/cli.js';
import { makeMigrationsDir, migration, SMALL_SCHEMA } from './helpers/migrations-dir.js';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.js';

let db: TestDatabase;
let dir: string;
const args = (...rest: string[]) => ['--database-url', db.url, '--migrations-dir', dir, ...rest];

beforeEach(async () => {
  db = await createTestDatabase('mc_conc');
  dir = makeMigrationsDir(SMALL_SCHEMA);
});
afterEach(async () => {
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('one runner at a time', () => {
  it('ten concurrent migrate up processes apply each migration exactly once and all exit 0', async () => {
    const runs = await Promise.all(Array.from({ length: 10 }, () => runCli(args('migrate', 'up', '--progress'))));
    for (const run of runs) expect(run.exitCode, run.stderr).toBe(0);
    const applying = runs.flatMap((r) =>
      [...r.stderr.matchAll(/^applying migration \d+ of \d+: (.+)$/gm)].map((m) => m[1]),
    );
    expect(applying.sort()).toEqual(Object.keys(SMALL_SCHEMA).sort());
    const applied = runs.flatMap((r) => [...r.stdout.matchAll(/^applied: (.+)$/gm)].map((m) => m[1]));
    expect(applied.sort()).toEqual(Object.keys(SMALL_SCHEMA).sort());
    const { rows } = await db.pool.query('select count(*)::int as n from schema_migrations');
    expect(rows[0].n).toBe(3);
  });

  it('a waiting runner says who holds the lock, and gives up after --lock-timeout', async () => {
    const holder = new pg.Client({ connectionString: db.url, application_name: 'dba-holding-the-lock' });
    await holder.connect();
    await holder.query(`select pg_advisory_lock(('x' || substr(md5('medicalcor:migrate'), 1, 16))::bit(64)::bigint)`);
    try {
      const run = await runCli(args('migrate', 'up', '--lock-timeout', '1'));
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toContain('waiting for the migration lock, held by dba-holding-the-lock');
      expect(run.stderr).toContain('Timed out waiting for the medicalcor:migrate lock');
      const { rows } = await db.pool.query(`select to_regclass('schema_migrations') is null as untouched`);
      expect(rows[0].untouched).toBe(true);
    } finally {
      await holder.end();
    }
  });

  it('a process killed during up leaves no half-applied migration, and the next up completes', async () => {
    writeFileSync(
      join(dir, '20240101000004_slow.sql'),
      migration(
        'create table slow_one (id bigint);\nselect pg_sleep(4);\ncreate table slow_two (id bigint);',
        'drop table slow_two;\ndrop table slow_one;',
      ),
    );
    const child = spawnCli(args('migrate', 'up', '--progress'));
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes('applying migration 4 of 4: 20240101000004_slow.sql')) resolve();
      });
      child.on('exit', () => reject(new Error(`exited early: ${seen}`)));
    });
    // dbmate is inside the slow migration's transaction now (it prints when it starts)
    await new Promise((r) => setTimeout(r, 800));
    child.kill('SIGKILL');
    await child.catch(() => {});
    const mid = await db.pool.query(
      `select to_regclass('slow_one') is null as no_one, to_regclass('slow_two') is null as no_two`,
    );
    expect(mid.rows[0]).toEqual({ no_one: true, no_two: true });

    const next = await runCli(args('migrate', 'up'));
    expect(next.exitCode, next.stderr).toBe(0);
    const { rows } = await db.pool.query(
      `select to_regclass('slow_one') is not null as one, to_regclass('slow_two') is not null as two,
              (select count(*)::int from schema_migrations) as versions,
              (select count(*)::int from medicalcor_migration_ledger where state = 'applied') as recorded`,
    );
    expect(rows[0]).toEqual({ one: true, two: true, versions: 4, recorded: 4 });
  });

  it('Ctrl-C during up rolls back the migration in flight and exits 130', async () => {
    writeFileSync(
      join(dir, '20240101000004_slow.sql'),
      migration('create table interrupted_one (id bigint);\nselect pg_sleep(5);', 'drop table interrupted_one;'),
    );
    const child = spawnCli(args('migrate', 'up', '--progress'));
    await new Promise<void>((resolve) => {
      let seen = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes('applying migration 4 of 4: 20240101000004_slow.sql')) resolve();
      });
    });
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(String(result.stderr)).toContain('Interrupted');
    const { rows } = await db.pool.query(
      `select to_regclass('interrupted_one') is null as absent, (select max(version) from schema_migrations) as version,
              (select count(*)::int from medicalcor_migration_ledger where state <> 'applied') as dangling`,
    );
    expect(rows[0]).toEqual({ absent: true, version: '20240101000003', dangling: 0 });
  });

  it('a runner on another database leaves this database’s migration in flight alone', async () => {
    writeFileSync(
      join(dir, '20240101000004_slow.sql'),
      migration('create table slow_here (id bigint);\nselect pg_sleep(3);', 'drop table slow_here;'),
    );
    const other = await createTestDatabase('mc_conc_other');
    try {
      const slow = spawnCli(args('migrate', 'up', '--progress'));
      await new Promise<void>((resolve) => {
        let seen = '';
        slow.stderr!.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          if (seen.includes('applying migration 4 of 4: 20240101000004_slow.sql')) resolve();
        });
      });
      const elsewhere = await runCli(['--database-url', other.url, '--migrations-dir', dir, 'migrate', 'up']);
      expect(elsewhere.exitCode, elsewhere.stderr).toBe(0);
      const result = await slow;
      expect(result.exitCode, String(result.stderr)).toBe(0);
      const { rows } = await db.pool.query(`select to_regclass('slow_here') is not null as done`);
      expect(rows[0].done).toBe(true);
    } finally {
      await other.drop();
    }
  });
});
