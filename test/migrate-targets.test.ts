import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runInProcess } from './helpers/in-process.js';
import { makeMigrationsDir, SMALL_SCHEMA } from './helpers/migrations-dir.js';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.js';

let db: TestDatabase;
let dir: string;
const cli = (...args: string[]) => runInProcess(['--database-url', db.url, '--migrations-dir', dir, ...args]);
const versions = async () =>
  (await db.pool.query(`select coalesce(array_agg(version::text order by version), '{}') as v from schema_migrations`))
    .rows[0].v as string[];

beforeEach(async () => {
  db = await createTestDatabase('mc_to');
  dir = makeMigrationsDir(SMALL_SCHEMA);
});
afterEach(async () => {
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('migrate up --to / down --to / status --to', () => {
  it('up --to applies up to and including the version and no further; the ledger records just those', async () => {
    const dry = await cli('migrate', 'up', '--to', '20240101000002', '--dry-run', '-o', 'json');
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout).steps.map((s: { version: string }) => s.version)).toEqual([
      '20240101000001',
      '20240101000002',
    ]);
    expect((await db.pool.query(`select to_regclass('schema_migrations') is null as none`)).rows[0].none).toBe(true);

    const up = await cli('migrate', 'up', '--to', '20240101000002', '-o', 'json');
    expect(up.exitCode, up.stderr).toBe(0);
    expect(JSON.parse(up.stdout)).toMatchObject({
      currentVersion: '20240101000002',
      applied: [{ version: '20240101000001' }, { version: '20240101000002' }],
    });
    expect(await versions()).toEqual(['20240101000001', '20240101000002']);
    const ledger = await db.pool.query(
      `select array_agg(version order by version) as v from medicalcor_migration_ledger where state = 'applied'`,
    );
    expect(ledger.rows[0].v).toEqual(['20240101000001', '20240101000002']);
    const rest = await cli('migrate', 'up');
    expect(rest.exitCode).toBe(0);
    expect(await versions()).toHaveLength(3);
  });

  const DOWN_TO_ROLLS_BACK_NEWER =
    'down --to rolls back every migration newer than the version, showing the plan first; --to 0 rolls back all';
  it(DOWN_TO_ROLLS_BACK_NEWER, async () => {
    await cli('migrate', 'up');
    const down = await cli('migrate', 'down', '--to', '20240101000001');
    expect(down.exitCode, down.stderr).toBe(0);
    expect(down.stderr).toContain(
      'will roll back, in this order: 20240101000003_add_visits_note.sql, 20240101000002_create_visits.sql',
    );
    expect(await versions()).toEqual(['20240101000001']);
    const all = await cli('migrate', 'down', '--to', '0');
    expect(all.exitCode, all.stderr).toBe(0);
    expect(await versions()).toEqual([]);
  });

  it('plan --to and plan --down --to print the SQL that would run', async () => {
    const up = JSON.parse((await cli('migrate', 'plan', '--to', '20240101000001', '-o', 'json')).stdout);
    expect(up).toMatchObject({
      direction: 'up',
      to: '20240101000001',
      steps: [{ version: '20240101000001', transactional: true }],
    });
    await cli('migrate', 'up');
    const down = JSON.parse((await cli('migrate', 'plan', '--down', '--to', '20240101000001', '-o', 'json')).stdout);
    expect(down.steps.map((s: { version: string; sql: string }) => [s.version, s.sql])).toEqual([
      ['20240101000003', 'alter table visits drop column note;'],
      ['20240101000002', 'drop table visits;'],
    ]);
  });

  it('status --to shows where up and down would stop', async () => {
    await cli('migrate', 'up', '--to', '20240101000002');
    const json = await cli('migrate', 'status', '--to', '20240101000003', '-o', 'json');
    expect(JSON.parse(json.stdout).target).toMatchObject({
      version: '20240101000003',
      up: ['20240101000003'],
      down: [],
    });
    const back = await cli('migrate', 'status', '--to', '20240101000001', '-o', 'json');
    expect(JSON.parse(back.stdout).target).toMatchObject({ up: [], down: ['20240101000002'] });
    const text = await cli('migrate', 'status', '--to', '20240101000001');
    expect(text.stdout).toContain(
      'With --to 20240101000001: up would apply nothing; down would roll back 1 (20240101000002',
    );
    expect(text.stdout).toMatch(/20240101000002_create_visits\.sql\s+applied.*would roll back/);
  });

  it('a version that is not a migration, or not applied, is a usage error naming it; nothing changes', async () => {
    const unknown = await cli('migrate', 'up', '--to', '20991231000000');
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('No migration has version 20991231000000');
    expect(unknown.stderr).toContain('migrate status');
    const bad = await cli('migrate', 'up', '--to', 'latest');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('"latest" is not a migration version');
    const notApplied = await cli('migrate', 'down', '--to', '20240101000002');
    expect(notApplied.exitCode).toBe(2);
    expect(notApplied.stderr).toContain('Version 20240101000002 is not applied');
    const both = await cli('migrate', 'down', '2', '--to', '0');
    expect(both.exitCode).toBe(2);
    expect((await db.pool.query(`select to_regclass('schema_migrations') is null as none`)).rows[0].none).toBe(true);
  });

  it('the production guard covers up --to and down --to', async () => {
    const project = mkdtempSync(join(tmpdir(), 'mc-to-project-'));
    writeFileSync(
      join(project, 'medicalcor.config.yaml'),
      `migrationsDir: ${dir}\nenvironments:\n` +
        '  prod:\n    production: true\n    databaseUrl: { env: PROD_DATABASE_URL }\n',
    );
    const run = (...args: string[]) => runInProcess(args, { cwd: project, env: { PROD_DATABASE_URL: db.url } });
    try {
      const refused = await run('--env', 'prod', 'migrate', 'up', '--to', '20240101000002');
      expect(refused.exitCode).toBe(2);
      expect(refused.stderr).toContain(
        'will apply, in this order: 20240101000001_create_patients.sql, 20240101000002_create_visits.sql',
      );
      expect(refused.stderr).toContain(
        'Refusing to apply 2 migration(s) up to 20240101000002 on production environment "prod"',
      );
      expect((await db.pool.query(`select to_regclass('schema_migrations') is null as none`)).rows[0].none).toBe(true);
      expect((await run('--env', 'prod', 'migrate', 'up', '--yes')).exitCode).toBe(0);
      const down = await run('--env', 'prod', 'migrate', 'down', '--to', '20240101000001');
      expect(down.exitCode).toBe(2);
      expect(down.stderr).toContain(
        'will roll back, in this order: 20240101000003_add_visits_note.sql, 20240101000002_create_visits.sql',
      );
      expect(await versions()).toHaveLength(3);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
