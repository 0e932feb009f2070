import { appendFileSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { repoRoot } from './helpers/cli.js';
import { runInProcess as runCli } from './helpers/in-process.js';
import { makeMigrationsDir, migration, SMALL_SCHEMA } from './helpers/migrations-dir.js';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.js';

let db: TestDatabase;
let dir: string;
const cli = (...args: string[]) => runCli(['--database-url', db.url, '--migrations-dir', dir, ...args]);

beforeEach(async () => {
  db = await createTestDatabase('mc_ledger');
  dir = makeMigrationsDir(SMALL_SCHEMA);
});
afterEach(async () => {
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('migrate up / status / verify with the checksum ledger', () => {
  it('applies pending migrations, records checksums, and verify passes', async () => {
    const up = await cli('migrate', 'up');
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stdout).toContain('applied: 20240101000003_add_visits_note.sql');
    const { rows } = await db.pool.query(
      'select version, state, length(checksum) as len from medicalcor_migration_ledger order by version',
    );
    expect(rows).toEqual([
      { version: '20240101000001', state: 'applied', len: 64 },
      { version: '20240101000002', state: 'applied', len: 64 },
      { version: '20240101000003', state: 'applied', len: 64 },
    ]);
    const verify = await cli('migrate', 'verify');
    expect(verify.exitCode).toBe(0);
    const again = await cli('migrate', 'up');
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('Nothing to do');
  });

  it('catches an applied file edited afterwards: verify exits 3 and up refuses to run anything', async () => {
    await cli('migrate', 'up');
    appendFileSync(join(dir, '20240101000002_create_visits.sql'), '\n-- sneaky edit\n');
    writeFileSync(
      join(dir, '20240101000004_more.sql'),
      migration('create table more_things (id bigint primary key);', 'drop table more_things;'),
    );
    const verify = await cli('migrate', 'verify', '-o', 'json');
    expect(verify.exitCode).toBe(3);
    const report = JSON.parse(verify.stdout);
    expect(report.findings).toEqual([expect.objectContaining({ code: 'edited', version: '20240101000002' })]);
    const up = await cli('migrate', 'up');
    expect(up.exitCode).toBe(3);
    expect(up.stdout).toContain('was edited after it was applied');
    const { rows } = await db.pool.query(`select to_regclass('more_things') is null as absent`);
    expect(rows[0].absent).toBe(true);
  });

  it('a CRLF checkout of the same files is not an edit; a changed line under CRLF still is', async () => {
    await cli('migrate', 'up');
    const visits = join(dir, '20240101000002_create_visits.sql');
    const crlf = (path: string) => writeFileSync(path, readFileSync(path, 'utf8').replace(/\n/g, '\r\n'));
    for (const name of Object.keys(SMALL_SCHEMA)) crlf(join(dir, name));
    const verify = await cli('migrate', 'verify', '-o', 'json');
    expect(verify.exitCode, verify.stdout).toBe(0);
    expect(JSON.parse(verify.stdout).findings).toEqual([]);
    writeFileSync(visits, readFileSync(visits, 'utf8').replace('bigint primary key', 'integer primary key'));
    const edited = await cli('migrate', 'verify', '-o', 'json');
    expect(edited.exitCode).toBe(3);
    expect(JSON.parse(edited.stdout).findings).toEqual([
      expect.objectContaining({ code: 'edited', version: '20240101000002' }),
    ]);
  });

  it('reports an applied version whose file is gone', async () => {
    await cli('migrate', 'up');
    rmSync(join(dir, '20240101000003_add_visits_note.sql'));
    const verify = await cli('migrate', 'verify', '-o', 'json');
    expect(verify.exitCode).toBe(3);
    expect(JSON.parse(verify.stdout).findings).toEqual([
      expect.objectContaining({ code: 'missing-file', version: '20240101000003' }),
    ]);
  });

  it.each([
    ['duplicate-version', '20240101000003_other_with_same_version.sql', migration('select 1;', 'select 1;')],
    ['multiple-up', '20240101000009_two_ups.sql', `${migration('select 1;', 'select 1;')}\n-- migrate:up\nselect 2;\n`],
    [
      'multiple-down',
      '20240101000009_two_downs.sql',
      `${migration('select 1;', 'select 1;')}\n-- migrate:down\nselect 2;\n`,
    ],
    ['missing-down', '20240101000009_no_down.sql', '-- migrate:up\ncreate table t1 (id bigint);\n'],
    [
      'empty-down',
      '20240101000009_empty_down.sql',
      '-- migrate:up\ncreate table t1 (id bigint);\n-- migrate:down\n-- nothing here\n',
    ],
  ])('reports %s with its own message, exit 3', async (code, name, content) => {
    writeFileSync(join(dir, name), content);
    const verify = await cli('migrate', 'verify', '-o', 'json');
    expect(verify.exitCode).toBe(3);
    const findings = JSON.parse(verify.stdout).findings as { code: string; message: string }[];
    expect(findings.map((f) => f.code)).toEqual([code]);
    expect(findings[0]!.message.length).toBeGreaterThan(20);
  });

  it('reports a pending migration older than the newest applied one as out of order', async () => {
    await cli('migrate', 'up');
    writeFileSync(
      join(dir, '20230101000000_late_arrival.sql'),
      migration('create table late (id bigint);', 'drop table late;'),
    );
    const verify = await cli('migrate', 'verify', '-o', 'json');
    expect(verify.exitCode).toBe(3);
    expect(JSON.parse(verify.stdout).findings).toEqual([
      expect.objectContaining({ code: 'out-of-order', version: '20230101000000' }),
    ]);
  });

  it('a failing migration leaves the database at the version before it, and status says so', async () => {
    writeFileSync(
      join(dir, '20240101000004_broken.sql'),
      migration('create table half_done (id bigint);\nselect * from no_such_table;', 'drop table half_done;'),
    );
    const up = await cli('migrate', 'up');
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toContain('20240101000004_broken.sql failed');
    expect(up.stderr).not.toMatch(/\n\s+at /); // no stack trace
    // never announced as applied (dbmate itself prints "Applied:" for a migration that failed)
    expect(`${up.stdout}\n${up.stderr}`).not.toMatch(/applied:? .*20240101000004_broken/i);
    expect(up.stdout).toContain('applied: 20240101000003_add_visits_note.sql');
    const { rows } = await db.pool.query(
      `select to_regclass('half_done') is null as absent, (select max(version) from schema_migrations) as version`,
    );
    expect(rows[0]).toEqual({ absent: true, version: '20240101000003' });
    const status = await cli('migrate', 'status', '-o', 'json');
    const report = JSON.parse(status.stdout);
    expect(report.currentVersion).toBe('20240101000003');
    expect(report.lastFailure).toEqual(
      expect.objectContaining({ version: '20240101000004', error: expect.stringContaining('no_such_table') }),
    );
    const text = await cli('migrate', 'status');
    expect(text.stdout).toContain('Last attempt failed at 20240101000004_broken.sql');
  });

  it('plan and up --dry-run print the SQL in order without running it; down N rolls back newest first', async () => {
    const plan = await cli('migrate', 'plan');
    expect(plan.exitCode).toBe(0);
    const first = plan.stdout.indexOf('create table patients');
    const third = plan.stdout.indexOf('alter table visits add column note');
    expect(first).toBeGreaterThanOrEqual(0);
    expect(third).toBeGreaterThan(first);
    const dry = await cli('migrate', 'up', '--dry-run', '-o', 'json');
    expect(JSON.parse(dry.stdout).steps.map((s: { version: string }) => s.version)).toEqual([
      '20240101000001',
      '20240101000002',
      '20240101000003',
    ]);
    const { rows } = await db.pool.query(`select to_regclass('patients') is null as absent`);
    expect(rows[0].absent).toBe(true);

    await cli('migrate', 'up');
    const downPlan = await cli('migrate', 'plan', '--down', '2', '-o', 'json');
    expect(JSON.parse(downPlan.stdout).steps.map((s: { version: string }) => s.version)).toEqual([
      '20240101000003',
      '20240101000002',
    ]);
    const down = await cli('migrate', 'down', '2');
    expect(down.exitCode, down.stderr).toBe(0);
    expect(down.stderr).toContain(
      'will roll back, in this order: 20240101000003_add_visits_note.sql, 20240101000002_create_visits.sql',
    );
    const after = await db.pool.query(`select array_agg(version order by version) as versions from schema_migrations`);
    expect(after.rows[0].versions).toEqual(['20240101000001']);
    const ledger = await db.pool.query(`select array_agg(version) as versions from medicalcor_migration_ledger`);
    expect(ledger.rows[0].versions).toEqual(['20240101000001']);
    const tooMany = await cli('migrate', 'down', '5');
    expect(tooMany.exitCode).toBe(2);
  });

  it('records checksums of migrations applied earlier by bare dbmate', async () => {
    const { applySchema } = await import('./helpers/postgres.js');
    await applySchema(db.url, dir);
    const up = await cli('migrate', 'up');
    expect(up.exitCode).toBe(0);
    const { rows } = await db.pool.query(
      `select count(*)::int as n from medicalcor_migration_ledger where state = 'applied'`,
    );
    expect(rows[0].n).toBe(3);
  });

  const STALE_ROWS_SETTLED =
    'a row left "applying" by a dead runner, and an applied row ' +
    'bare dbmate rolled back, are settled by status and reported';
  it(STALE_ROWS_SETTLED, async () => {
    await cli('migrate', 'up');
    const dbmate = `${repoRoot}node_modules/@dbmate/${process.platform}-${process.arch}/bin/dbmate`;
    await execa(dbmate, ['--migrations-dir', dir, '--no-dump-schema', 'rollback'], {
      env: { DATABASE_URL: db.url },
      extendEnv: false,
    });
    await db.pool.query(`update medicalcor_migration_ledger set state = 'applying' where version = '20240101000002'`);
    const status = await cli('migrate', 'status', '-o', 'json');
    expect(status.exitCode, status.stderr).toBe(0);
    const report = JSON.parse(status.stdout);
    expect(report.resolved).toEqual([
      expect.objectContaining({ version: '20240101000002', outcome: 'applied' }),
      expect.objectContaining({ version: '20240101000003', outcome: 'not-applied' }),
    ]);
    expect(report.pending).toBe(1);
    const ledger = await db.pool.query(`select version, state from medicalcor_migration_ledger order by version`);
    expect(ledger.rows).toEqual([
      { version: '20240101000001', state: 'applied' },
      { version: '20240101000002', state: 'applied' },
    ]);
    const text = await cli('migrate', 'status');
    expect(text.stderr).not.toContain('ledger:');
    expect((await cli('migrate', 'up')).exitCode).toBe(0);
  });

  it('migrate new creates a file from the template with the next version; a bad name is a usage error', async () => {
    const created = await cli('migrate', 'new', 'add_widgets', '-o', 'json');
    expect(created.exitCode).toBe(0);
    const { path, version } = JSON.parse(created.stdout);
    expect(path).toMatch(/_add_widgets\.sql$/);
    expect(version > '20240101000003').toBe(true);
    const bad = await cli('migrate', 'new', 'Add Widgets');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('lower-case');
  });

  it('a renamed (misnamed) file is reported as ignored by dbmate', async () => {
    renameSync(join(dir, '20240101000003_add_visits_note.sql'), join(dir, 'add_visits_note.sql'));
    const verify = await cli('migrate', 'verify', '-o', 'json');
    expect(JSON.parse(verify.stdout).findings).toEqual([
      expect.objectContaining({ code: 'bad-filename', severity: 'warning' }),
    ]);
    expect(verify.exitCode).toBe(0);
  });
});
