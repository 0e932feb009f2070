import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  const CAPTURES_TO_FILE =
    "without a line handler, dbmate's stdout is an unlinked file read at exit: all of it, nothing left";
  it(CAPTURES_TO_FILE, async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'mc-dbmate-out-'));
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      const abort = new AbortController();
      const running = runDbmate('migrate', { url: db.url, migrationsDir: dir, signal: abort.signal, watch });
      await until(() => dbmateRunning(db, 'pg_sleep(20)'), 'dbmate is in the slow migration');
      // no pipe back to the CLI: each line dbmate writes would wake it
      const [dbmate, ...others] = processesNaming(dir).filter((pid) =>
        readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]!.endsWith('/dbmate'),
      );
      expect(others).toEqual([]);
      // a file in $TMPDIR that has no name there (O_TMPFILE: "/tmp/x/#123 (deleted)")
      expect(readlinkSync(`/proc/${dbmate}/fd/1`)).toMatch(new RegExp(`^${tmp}/.* \\(deleted\\)$`));
      expect(readdirSync(tmp)).toEqual([]);
      abort.abort();
      const result = await running;
      expect(result).toMatchObject({ ok: false, interrupted: true });
      for (const version of ['20240101000001', '20240101000003', '20240101000004'])
        expect(result.stdout).toContain(`Applying: ${version}_`);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 60_000);

  const FALLS_BACK = 'with no temporary file to be had ($TMPDIR missing), falls back to the pipe: all the output';
  it(FALLS_BACK, async () => {
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = join(tmpdir(), 'mc-no-such-dir', 'really-not');
    try {
      const abort = new AbortController();
      const running = runDbmate('migrate', { url: db.url, migrationsDir: dir, signal: abort.signal, watch });
      await until(() => dbmateRunning(db, 'pg_sleep(20)'), 'dbmate is in the slow migration');
      const [dbmate] = processesNaming(dir).filter((pid) =>
        readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]!.endsWith('/dbmate'),
      );
      // libuv's stdio pipes are socket pairs on Linux
      expect(readlinkSync(`/proc/${dbmate}/fd/1`)).toMatch(/^(pipe|socket):/);
      abort.abort();
      const result = await running;
      expect(result).toMatchObject({ ok: false, interrupted: true });
      expect(result.stdout).toContain('Applying: 20240101000004_');
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
    }
  }, 60_000);
});
