import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runInProcess } from './helpers/in-process.js';
import { makeMigrationsDir, migration } from './helpers/migrations-dir.js';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.js';

let db: TestDatabase;
let dir: string;
const cli = (...args: string[]) => runInProcess(['--database-url', db.url, '--migrations-dir', dir, ...args]);
const UNIQUE_INDEX = '20240101000002_unique_email.sql';

beforeEach(async () => {
  db = await createTestDatabase('mc_ntx');
  dir = makeMigrationsDir({
    '20240101000001_create_contacts.sql': migration(
      'create table contacts (id bigint primary key, email text);\n' +
        "insert into contacts values (1, 'a@example.org'), (2, 'a@example.org');",
      'drop table contacts;',
    ),
    // as an operator writes it: concurrently (no write lock), IF NOT EXISTS (so a rerun "just works")
    [UNIQUE_INDEX]:
      '-- migrate:up transaction:false\n' +
      'create unique index concurrently if not exists contacts_email_uq on contacts (email);\n\n' +
      '-- migrate:down transaction:false\ndrop index concurrently if exists contacts_email_uq;\n',
  });
});
afterEach(async () => {
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

const isValid = async () =>
  (await db.pool.query(`select indisvalid from pg_index where indexrelid = to_regclass('contacts_email_uq')`)).rows[0]
    ?.indisvalid as boolean | undefined;

describe('a failed transaction:false migration', () => {
  const NAMES_INVALID_INDEX =
    'names the INVALID index it left, with the statement to drop it, and never calls it rolled back or applied';
  it(NAMES_INVALID_INDEX, async () => {
    const up = await cli('migrate', 'up');
    expect(up.exitCode).toBe(1);
    expect(await isValid()).toBe(false);
    expect(up.stderr).toContain(`${UNIQUE_INDEX} failed`);
    expect(up.stderr).toContain('ran outside a transaction (transaction:false)');
    expect(up.stderr).not.toContain('rolled back');
    expect(up.stderr).toContain('INVALID index public.contacts_email_uq on contacts');
    expect(up.stderr).toContain('DROP INDEX CONCURRENTLY IF EXISTS public.contacts_email_uq;');
    expect(`${up.stdout}${up.stderr}`).not.toMatch(/applied:? .*unique_email/i);
    const json = JSON.parse((await cli('migrate', 'up', '-o', 'json')).stdout);
    expect(json.blockedBy).toContainEqual(expect.objectContaining({ code: 'invalid-index' }));
  });

  const RERUN_AFTER_FIX =
    'the rerun after fixing the data does not exit 0 with the invalid ' +
    'index kept by IF NOT EXISTS; after the drop it applies a valid index';
  it(RERUN_AFTER_FIX, async () => {
    await cli('migrate', 'up');
    await db.pool.query(`delete from contacts where id = 2`);
    const rerun = await cli('migrate', 'up');
    expect(rerun.exitCode).toBe(3);
    expect(rerun.stdout).toContain('index public.contacts_email_uq on contacts is INVALID');
    expect(rerun.stdout).toContain('DROP INDEX CONCURRENTLY IF EXISTS public.contacts_email_uq;');
    expect(rerun.stdout).toContain('Nothing was applied');
    const pending = JSON.parse((await cli('migrate', 'status', '-o', 'json')).stdout);
    expect(pending.pending).toBe(1);
    expect(pending.findings).toContainEqual(expect.objectContaining({ code: 'invalid-index', severity: 'error' }));
    expect((await cli('migrate', 'verify')).exitCode).toBe(3);

    await db.pool.query('drop index concurrently if exists public.contacts_email_uq');
    const fixed = await cli('migrate', 'up');
    expect(fixed.exitCode, fixed.stderr).toBe(0);
    expect(await isValid()).toBe(true);
    expect((await cli('migrate', 'verify')).exitCode).toBe(0);
  });

  it('an INVALID index from outside the migrations blocks up as well: exit 3, named, nothing applied', async () => {
    await db.pool.query(`create table other (id bigint, v text)`);
    await db.pool.query(`insert into other values (1, 'x'), (2, 'x')`);
    await db.pool.query(`create unique index concurrently other_v_uq on other (v)`).catch(() => {});
    rmSync(join(dir, UNIQUE_INDEX));
    const up = await cli('migrate', 'up', '-o', 'json');
    expect(up.exitCode).toBe(3);
    expect(JSON.parse(up.stdout).blockedBy).toContainEqual(
      expect.objectContaining({ code: 'invalid-index', message: expect.stringContaining('public.other_v_uq') }),
    );
    expect((await db.pool.query(`select to_regclass('schema_migrations') is null as none`)).rows[0].none).toBe(true);
  });
});
