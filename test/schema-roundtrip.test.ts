import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from './helpers/cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.js';

const cacheEnv = { XDG_CACHE_HOME: join(tmpdir(), 'medicalcor-test-cache-schema-roundtrip') };

interface VerifyJson {
  errors: number;
  findings: { code: string; file?: string; message: string }[];
}

describe('medicalcor migrate verify --roundtrip', () => {
  let work: string;
  let db: TestDatabase;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'mc-schema-roundtrip-'));
    db = await createTestDatabase('mc_schema_roundtrip');
  });

  afterAll(async () => {
    await db?.drop();
    rmSync(work, { recursive: true, force: true });
  });

  const verify = (dir: string) =>
    runCli(['--migrations-dir', dir, '--database-url', db.url, 'migrate', 'verify', '--roundtrip', '-o', 'json'], {
      cwd: work,
      env: cacheEnv,
    });

  it('every shipped migration is undone by its down section', async () => {
    const dir = join(work, 'shipped');
    mkdirSync(dir);
    for (const f of readdirSync(`${repoRoot}src/migrations`).filter((n) => n.endsWith('.sql')))
      copyFileSync(join(`${repoRoot}src/migrations`, f), join(dir, f));
    const result = await verify(dir);
    const json = JSON.parse(result.stdout) as VerifyJson;
    expect(json.findings.filter((f) => f.code.startsWith('roundtrip'))).toEqual([]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/roundtrip: \d+ migration\(s\) applied up, down and up again on medicalcor_shadow_/);
  }, 60_000);

  it('names the migration whose down does not undo its up, and what it leaves behind (exit 3)', async () => {
    const dir = join(work, 'broken');
    mkdirSync(dir);
    writeFileSync(
      join(dir, '20250101000001_notes.sql'),
      [
        '-- migrate:up',
        'CREATE TABLE notes (id bigint PRIMARY KEY, body text NOT NULL);',
        '',
        '-- migrate:down',
        'DROP TABLE notes;',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, '20250101000002_notes_index.sql'),
      [
        '-- migrate:up',
        'CREATE INDEX notes_body_idx ON notes (body);',
        "COMMENT ON TABLE notes IS 'free text';",
        '',
        '-- migrate:down',
        'COMMENT ON TABLE notes IS NULL;',
        '',
      ].join('\n'),
    );
    const result = await verify(dir);
    expect(result.exitCode, result.stderr).toBe(3);
    const json = JSON.parse(result.stdout) as VerifyJson;
    const roundtrip = json.findings.filter((f) => f.code.startsWith('roundtrip'));
    // the down leaves the index behind, so its up then fails too: both are about the second file only
    expect(roundtrip.map((f) => `${f.code} ${f.file}`)).toEqual([
      'roundtrip-down broken/20250101000002_notes_index.sql',
      'roundtrip-up-again broken/20250101000002_notes_index.sql',
    ]);
    expect(roundtrip[0]!.message).toBe('down does not undo up: index notes_body_idx left behind');
    expect(roundtrip[1]!.message).toContain('already exists');
    // the database the environment points at was not touched: only the shadow was
    const tables = await db.pool.query(`select count(*)::int as n from pg_class where relname = 'notes'`);
    expect(tables.rows[0].n).toBe(0);
  }, 60_000);
});
