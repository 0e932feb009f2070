import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';

/** Its own cache: the tests below look at what is (and is not) in it. */
const cacheHome = join(tmpdir(), `medicalcor-test-cache-schema-gates-${process.pid}`);
const cacheEnv = { XDG_CACHE_HOME: cacheHome };
const modelsDir = join(cacheHome, 'medicalcor', 'schema-models');

interface CheckJson {
  ok: boolean;
  cached: boolean;
  behavioursProved: number;
  differences: { summary: string; migration: string | null; line: number | null }[];
  notes: { summary: string }[];
  policyViolations: { rule: string; table: string; where: string; message: string }[];
  sql?: { sql: string; destructive: boolean }[];
}

const ALLOW_EVERYTHING = `-- migrate:up
CREATE OR REPLACE FUNCTION prevent_consent_audit_modification() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN RETURN NULL; END IF;
    RETURN COALESCE(NEW, OLD);
END;
$$;

-- migrate:down
SELECT 1;
`;

describe('schema check: behavioural policy gates, exit codes, the model cache', () => {
  let work: string;
  let migrations: string;
  let db: TestDatabase;
  const run = (dir: string, args: string[], env: Record<string, string> = {}) =>
    runInProcess(['--migrations-dir', dir, ...args], { cwd: work, env: { ...cacheEnv, ...env } });

  /** A copy of the shipped migrations plus `extra` files, with its snapshot regenerated. */
  async function variant(name: string, extra: Record<string, string> = {}): Promise<string> {
    const dir = join(work, name);
    cpSync(migrations, dir, { recursive: true });
    for (const [file, text] of Object.entries(extra)) writeFileSync(join(dir, file), text);
    const dump = await run(dir, [
      '--database-url',
      db.url,
      'schema',
      'dump',
      '--out',
      join(dir, 'schema.snapshot.json'),
    ]);
    expect(dump.exitCode, dump.stderr).toBe(0);
    return dir;
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'mc-schema-gates-'));
    migrations = join(work, 'migrations');
    cpSync(`${repoRoot}src/migrations`, migrations, { recursive: true });
    db = await createTestDatabase('mc_schema_gates');
    await applySchema(db.url, migrations);
  }, 120_000);

  afterAll(async () => {
    await db?.drop();
    rmSync(work, { recursive: true, force: true });
    rmSync(cacheHome, { recursive: true, force: true });
  });

  it('the shipped policy proves its behaviours in the shadow and holds', async () => {
    const result = await run(migrations, ['--database-url', db.url, 'schema', 'check', '-o', 'json']);
    const json = JSON.parse(result.stdout) as CheckJson;
    expect(json.policyViolations).toEqual([]);
    expect(json.behavioursProved).toBe(4);
    expect(result.exitCode, result.stderr).toBe(0);
  }, 90_000);

  it('an append-only trigger function that allows everything ' +
    '(snapshot regenerated): exit 3 naming the behaviour', async () => {
    const dir = await variant('allow-all', { '20991231000010_allow_all.sql': ALLOW_EVERYTHING });
    const result = await run(dir, ['--database-url', db.url, 'schema', 'check', '-o', 'json']);
    const json = JSON.parse(result.stdout) as CheckJson;
    // the catalog still has the trigger, enabled, BEFORE, FOR EACH ROW: only the behaviour tells
    expect(json.differences).toEqual([]);
    expect(json.policyViolations.map((v) => v.rule)).toEqual(['behaviour']);
    expect(json.policyViolations[0]).toMatchObject({
      table: 'consent_audit_log',
      where: 'migrations (proved in the shadow)',
    });
    expect(json.policyViolations[0]!.message).toContain('UPDATE, DELETE and TRUNCATE on consent_audit_log fail');
    expect(json.policyViolations[0]!.message).toContain(
      '"UPDATE consent_audit_log SET actor = \'rewritten\'" succeeded; it must fail',
    );
    expect(result.exitCode).toBe(3);
    const human = await run(dir, ['--database-url', db.url, 'schema', 'check']);
    expect(human.exitCode).toBe(3);
    expect(human.stdout).toContain('behaviour "UPDATE, DELETE and TRUNCATE on consent_audit_log fail" does not hold');
  }, 120_000);

  it('RLS policy that lets every tenant through: the tenant behaviour fails', async () => {
    const dir = await variant('open-rls', {
      '20991231000011_open_rls.sql': `-- migrate:up
ALTER POLICY consent_records_tenant_isolation ON consent_records USING (true) WITH CHECK (true);

-- migrate:down
SELECT 1;
`,
    });
    const result = await run(dir, ['--database-url', db.url, 'schema', 'check', '-o', 'json']);
    const json = JSON.parse(result.stdout) as CheckJson;
    expect(json.policyViolations.map((v) => `${v.rule} ${v.table}`)).toEqual(['behaviour consent_records']);
    expect(json.policyViolations[0]!.message).toContain('"SELECT count(*) FROM consent_records" returned "2", not "0"');
    expect(result.exitCode).toBe(3);
  }, 120_000);

  it('a warm check reads the cached model and proofs: no shadow, no template needed', async () => {
    const first = JSON.parse((await run(migrations, ['schema', 'check', '-o', 'json'])).stdout) as CheckJson;
    expect(first.ok).toBe(true);
    // without the prepared template a shadow could not start quickly; a warm run needs none
    const template = readdirSync(join(cacheHome, 'medicalcor')).filter((n) => n.endsWith('-template.tar'));
    for (const t of template) rmSync(join(cacheHome, 'medicalcor', t));
    const warm = await run(migrations, ['schema', 'check', '-o', 'json']);
    const json = JSON.parse(warm.stdout) as CheckJson;
    expect(json).toMatchObject({ ok: true, cached: true, behavioursProved: 4 });
    expect(warm.exitCode, warm.stderr).toBe(0);
    expect(readdirSync(join(cacheHome, 'medicalcor')).filter((n) => n.endsWith('-template.tar'))).toEqual([]);
  }, 120_000);

  it('any change to a migration file misses the cache', async () => {
    const dir = join(work, 'edited');
    cpSync(migrations, dir, { recursive: true });
    const file = join(dir, '20250101000004_integration_logs.sql');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n-- a comment only\n`);
    const entries = readdirSync(modelsDir).length;
    const result = await run(dir, ['schema', 'check', '-o', 'json']);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, cached: false });
    expect(readdirSync(modelsDir).length).toBe(entries + 1);
  }, 120_000);

  it('an unreachable database server exits 1 with the cause, not 3', async () => {
    const down = 'postgres://postgres@127.0.0.1:9/medicalcor?sslmode=disable';
    for (const args of [
      ['schema', 'check'],
      ['schema', 'check', '--live'],
      ['schema', 'diff', 'migrations', 'live'],
    ]) {
      const result = await run(migrations, ['--database-url', down, ...args]);
      expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(1);
      expect(result.stderr).toMatch(/connection refused/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  }, 60_000);

  it('an embedded shadow that cannot start exits 1 with the cause', async () => {
    const blocked = join(work, 'not-a-directory');
    writeFileSync(blocked, 'a file where the cache directory should be');
    const result = await run(migrations, ['schema', 'check', '--no-cache'], { XDG_CACHE_HOME: blocked });
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/embedded shadow database cannot start: .*(ENOTDIR|not a directory)/);
  }, 60_000);

  it('column order is a note, not drift, unless the policy makes it drift', async () => {
    const live = await createTestDatabase('mc_schema_gates_order');
    try {
      await applySchema(live.url, migrations);
      // specialty moves to the end: same columns, other order
      await live.pool.query(
        'alter table practitioners drop column specialty; alter table practitioners add column specialty text',
      );
      const result = await run(migrations, ['--database-url', live.url, 'schema', 'check', '--live', '-o', 'json']);
      const json = JSON.parse(result.stdout) as CheckJson;
      expect(json.differences).toEqual([]);
      expect(json.notes.map((n) => n.summary)).toEqual([expect.stringMatching(/^table practitioners: column_order/)]);
      expect(result.exitCode, result.stderr).toBe(0);

      const strict = join(work, 'strict-order');
      cpSync(migrations, strict, { recursive: true });
      writeFileSync(
        join(strict, 'patient-data-policy.yaml'),
        `${readFileSync(join(migrations, 'patient-data-policy.yaml'), 'utf8')}\ncolumnOrder: drift\n`,
      );
      const drift = await run(strict, ['--database-url', live.url, 'schema', 'check', '--live', '-o', 'json']);
      expect((JSON.parse(drift.stdout) as CheckJson).differences.map((d) => d.summary)).toEqual([
        expect.stringMatching(/^table practitioners: column_order/),
      ]);
      expect(drift.exitCode).toBe(3);
    } finally {
      await live.drop();
    }
  }, 120_000);

  it('check --live --sql prints the SQL that removes the drift, safe and destructive marked', async () => {
    const live = await createTestDatabase('mc_schema_gates_sql');
    try {
      await applySchema(live.url, migrations);
      await live.pool.query(`alter table leads alter column ai_score set default 0;
        create table scratch_notes (id int);
        create index concurrently_invalid on leads (phone)`);
      await live.pool.query(
        `update pg_index set indisvalid = false where indexrelid = 'concurrently_invalid'::regclass`,
      );
      const result = await run(migrations, ['--database-url', live.url, 'schema', 'check', '--live', '--sql']);
      expect(result.exitCode, result.stderr).toBe(3);
      expect(result.stdout).toContain('-- DESTRUCTIVE: drops table scratch_notes\nDROP TABLE public.scratch_notes;');
      expect(result.stdout).toContain('-- safe\nALTER TABLE public.leads ALTER COLUMN ai_score DROP DEFAULT;');
      expect(result.stdout.indexOf('DROP TABLE')).toBeLessThan(result.stdout.indexOf('DROP DEFAULT'));
      // the script runs as it is, and afterwards the check passes
      await live.pool.query(result.stdout);
      const after = await run(migrations, ['--database-url', live.url, 'schema', 'check', '--live']);
      expect(after.exitCode, after.stdout).toBe(0);

      const json = await run(migrations, [
        '--database-url',
        live.url,
        'schema',
        'diff',
        'migrations',
        'live',
        '--sql',
        '-o',
        'json',
      ]);
      expect(JSON.parse(json.stdout)).toMatchObject({ identical: true, sql: [] });
      const usage = await run(migrations, ['schema', 'check', '--sql']);
      expect(usage.exitCode).toBe(2);
    } finally {
      await live.drop();
    }
  }, 120_000);

  it('a bad policy file is a usage error naming the field', async () => {
    const dir = join(work, 'bad-policy');
    cpSync(migrations, dir, { recursive: true });
    writeFileSync(
      join(dir, 'patient-data-policy.yaml'),
      'behaviours:\n  - name: x\n    expect:\n      - sql: select 1\n',
    );
    const result = await run(dir, ['schema', 'check']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('behaviours.0.expect.0');
    expect(existsSync(dir)).toBe(true);
  });
});
