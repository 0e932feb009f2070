import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDbmate } from '../src/core/migrations/index.js';
import { makeMigrationsDir, migration, SMALL_SCHEMA } from './helpers/migrations-dir.js';
import { dbmateRunning, dbmateSessions, processesNaming, until } from './helpers/migrate-signals.js';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.js';

let db: TestDatabase;
let dir: string;
beforeEach(async () => {
  db = await createTestDatabase('mc_dbmate');
  dir = makeMigrationsDir({
    ...SMALL_SCHEMA,
    '20240101000004_slow.sql': migration(
      'create table slow_one (id bigint);\nselect pg_sleep(20);',
      'drop table slow_one;',
    ),
  });
});
afterEach(async () => {
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe.each([true, false])('runDbmate (watch: %s)', (watch) => {
  const PASSES_LINES_AND_ABORTS =
    "passes dbmate's lines on; aborted, stops dbmate and its session before it resolves, nothing committed";
  it(PASSES_LINES_AND_ABORTS, async () => {
    const abort = new AbortController();
    const lines: string[] = [];
    const running = runDbmate('migrate', {
      url: db.url,
      migrationsDir: dir,
      signal: abort.signal,
      watch,
      onLine: (l) => lines.push(l),
    });
    await until(() => dbmateRunning(db, 'pg_sleep(20)'), 'dbmate is in the slow migration');
    abort.abort();
    const result = await running;
    expect(result).toMatchObject({ ok: false, interrupted: true, sessions: { found: 1, gone: true } });
    expect(await dbmateSessions(db)).toBe(0);
    expect(processesNaming(dir)).toEqual([]);
    expect(lines).toContain('Applying: 20240101000004_slow.sql');
    const { rows } = await db.pool.query(
      `select array_agg(version::text order by version) as v from schema_migrations`,
    );
    expect(rows[0].v).toEqual(['20240101000001', '20240101000002', '20240101000003']);
  }, 60_000);
});
