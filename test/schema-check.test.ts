import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, spawnCli } from './helpers/cli.js';
import { DRIFT_CASES } from './schema-drift-cases.js';
import { applySchema, createTestDatabase, SERVER_URL, type TestDatabase } from './helpers/postgres.js';

/** One prepared PGlite template per test file: two files preparing one directory at once would race. */
const cacheEnv = { XDG_CACHE_HOME: join(tmpdir(), 'medicalcor-test-cache-schema-check') };

interface CheckJson {
  ok: boolean;
  comparisons: string[];
  differences: {
    comparison: string;
    kind: string;
    name: string;
    change: string;
    summary: string;
    migration: string | null;
    changes: { attribute: string; from: unknown; to: unknown }[];
  }[];
  policyViolations: { rule: string; table: string; where: string; message: string }[];
}

describe('medicalcor schema check against PostgreSQL 15', () => {
  let work: string;
  let migrations: string;
  let committedSnapshot: string;
  let db: TestDatabase;
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(['--migrations-dir', migrations, ...args], { cwd: work, env: { ...cacheEnv, ...env } });
  const live = (args: string[]) => cli(['--database-url', db.url, ...args]);

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'mc-schema-check-'));
    // a copy: other work may add migrations to src/migrations while this file runs
    migrations = join(work, 'migrations');
    cpSync(`${repoRoot}src/migrations`, migrations, { recursive: true });
    committedSnapshot = join(work, 'committed.snapshot.json');
    cpSync(join(migrations, 'schema.snapshot.json'), committedSnapshot);
    db = await createTestDatabase('mc_schema_check');
    await applySchema(db.url, migrations);
    const dump = await cli([
      '--database-url',
      db.url,
      'schema',
      'dump',
      '--out',
      join(migrations, 'schema.snapshot.json'),
    ]);
    expect(dump.exitCode, dump.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await db?.drop();
    rmSync(work, { recursive: true, force: true });
  });

  it('the committed snapshot is what the shipped migrations produce (CI: no database server at all)', async () => {
    const result = await runCli(['schema', 'check', '--snapshot', committedSnapshot, '-o', 'json'], {
      cwd: work,
      env: cacheEnv,
    });
    const json = JSON.parse(result.stdout) as CheckJson;
    expect(json.differences.map((d) => d.summary)).toEqual([]);
    expect(result.exitCode, result.stderr).toBe(0);
  }, 60_000);

  it('an untouched database exits 0: no false positive', async () => {
    const result = await live(['schema', 'check', '--live']);
    expect(result.stdout).toContain('No drift');
    expect(result.exitCode, result.stderr).toBe(0);
    // a migrations directory and a URL, compared directly
    const diff = await live(['schema', 'diff', migrations, db.url]);
    expect(diff.exitCode, diff.stderr).toBe(0);
    expect(diff.stdout).toContain('No differences');
  }, 60_000);

  it('migrations that do not apply to a fresh database exit 3 and say which', async () => {
    const dir = join(work, 'broken');
    cpSync(migrations, dir, { recursive: true });
    writeFileSync(
      join(dir, '20991231000002_typo.sql'),
      '-- migrate:up\nALTER TABLE leadz ADD COLUMN x int;\n\n-- migrate:down\nSELECT 1;\n',
    );
    const result = await runCli(['--migrations-dir', dir, '--database-url', db.url, 'schema', 'check'], {
      cwd: work,
      env: cacheEnv,
    });
    expect(result.exitCode, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/do not apply to a fresh database: .*leadz/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('a role that may not CREATE DATABASE gets the embedded shadow instead', async () => {
    const role = `mc_nocreatedb_${process.pid}`;
    await db.pool.query(`create role ${role} login nocreatedb`);
    try {
      const url = new URL(db.url);
      url.username = role;
      // --no-cache: the model cached by an earlier test would spare the shadow altogether
      const result = await cli([
        '--database-url',
        url.toString(),
        'schema',
        'check',
        '--no-cache',
        '--snapshot',
        join(migrations, 'schema.snapshot.json'),
      ]);
      expect(result.stderr).toContain('using an embedded shadow database instead');
      expect(result.stdout).toContain('No drift');
      expect(result.exitCode, result.stderr).toBe(0);
    } finally {
      await db.pool.query(`drop role if exists ${role}`);
    }
  }, 60_000);

  it('one change of each object kind made on the live database: exit 3, each object named', async () => {
    const changes = DRIFT_CASES;
    for (const [, sql] of changes) await db.pool.query(sql);

    const result = await live(['schema', 'check', '--live', '-o', 'json']);
    expect(result.exitCode, result.stderr).toBe(3);
    const json = JSON.parse(result.stdout) as CheckJson;
    const summaries = json.differences
      .filter((d) => d.comparison === 'migrations → live database')
      .map((d) => d.summary);
    for (const [kind, , expected] of changes) {
      // one line per object: two changes to one table share its line
      const [object, what] = [expected.slice(0, expected.indexOf(': ')), expected.slice(expected.indexOf(': ') + 2)];
      expect(
        summaries.some((s) => s.startsWith(`${object}: `) && s.includes(what)),
        `${kind}: "${expected}" in\n${summaries.join('\n')}`,
      ).toBe(true);
    }
    // the snapshot still matches the migrations: only the live database drifted
    expect(json.differences.filter((d) => d.comparison === 'snapshot → migrations')).toEqual([]);
    // the migration that last touched the object is named
    expect(json.differences.find((d) => d.name === 'public.leads.ai_score')?.migration).toMatch(
      /migrations\/20250101000006_crm_core\.sql$/,
    );
    // forced RLS off on a patient-data table is also a policy violation
    expect(json.policyViolations).toContainEqual(
      expect.objectContaining({ rule: 'rls-forced', table: 'consent_records', where: 'live database' }),
    );

    const human = await live(['schema', 'check', '--live']);
    expect(human.exitCode).toBe(3);
    expect(human.stdout).toContain('column leads.ai_score: default none → 0');
    expect(human.stdout).toContain('created by migrations/20250101000006_crm_core.sql:45');
    const github = await live(['schema', 'check', '--live', '-o', 'github']);
    expect(github.exitCode, github.stderr).toBe(3);
    expect(github.stderr).not.toContain('error:');
    // an annotation on a line of the crm_core migration, up to the line number
    const crmCoreLine = String.raw`^::error file=migrations/20250101000006_crm_core\.sql,line=`;
    expect(github.stdout).toMatch(
      new RegExp(String.raw`${crmCoreLine}45,title=schema drift .*::column leads\.ai_score: default none → 0$`, 'm'),
    );
    // a table setting points at the CREATE TABLE
    expect(github.stdout).toMatch(
      new RegExp(
        String.raw`${crmCoreLine}21,title=schema drift .*::table practitioners: replica_identity none → full$`,
        'm',
      ),
    );
  }, 90_000);

  it('a migration that breaks the patient-data policy exits 3 even with a matching snapshot', async () => {
    for (const [name, sql, rule] of [
      ['rls_off', 'ALTER TABLE consent_records DISABLE ROW LEVEL SECURITY;', 'rls-enabled'],
      ['drop_append_only', 'DROP TRIGGER consent_audit_log_append_only ON consent_audit_log;', 'append-only-trigger'],
    ] as const) {
      const dir = join(work, `policy-${name}`);
      cpSync(migrations, dir, { recursive: true });
      writeFileSync(join(dir, `20991231000000_${name}.sql`), `-- migrate:up\n${sql}\n\n-- migrate:down\nSELECT 1;\n`);
      // the shadow is a temporary database on the server (quicker than the embedded one)
      const run = (args: string[]) =>
        runCli(['--migrations-dir', dir, '--database-url', db.url, ...args], { cwd: work, env: cacheEnv });
      const dump = await run(['schema', 'dump', '--out', join(dir, 'schema.snapshot.json')]);
      expect(dump.exitCode, dump.stderr).toBe(0);
      const result = await run(['schema', 'check', '-o', 'json']);
      const json = JSON.parse(result.stdout) as CheckJson;
      expect(json.differences).toEqual([]);
      expect(json.policyViolations.map((v) => `${v.rule} ${v.table} ${v.where}`)).toContain(
        `${rule} ${name === 'rls_off' ? 'consent_records' : 'consent_audit_log'} migrations`,
      );
      expect(result.exitCode).toBe(3);
    }
  }, 90_000);

  it('schema diff between two snapshot files names what changed; identical files exit 0', async () => {
    const original = join(migrations, 'schema.snapshot.json');
    const edited = join(work, 'edited.snapshot.json');
    const snapshot = JSON.parse(readFileSync(original, 'utf8'));
    snapshot.objects['column public.leads.ai_score'].default = '0';
    delete snapshot.objects['index public.leads_phone_idx'];
    writeFileSync(edited, JSON.stringify(snapshot));

    const same = await cli(['schema', 'diff', original, original]);
    expect(same.exitCode, same.stderr).toBe(0);
    expect(same.stdout).toContain('No differences');

    const result = await cli(['schema', 'diff', original, edited, '-o', 'json']);
    expect(result.exitCode).toBe(3);
    const json = JSON.parse(result.stdout) as { differences: CheckJson['differences'] };
    expect(json.differences.map((d) => d.summary)).toEqual([
      'column leads.ai_score: default none → 0',
      expect.stringMatching(/^index leads_phone_idx: in snapshot .*, missing from snapshot .*edited/),
    ]);
  });

  it('bad sources are usage errors (exit 2) without a stack trace', async () => {
    const result = await cli(['schema', 'diff', 'no-such-thing', 'snapshot']);
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr).toContain('"no-such-thing" is not a database URL, a migrations directory or a snapshot file');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const broken = join(work, 'broken.json');
    writeFileSync(broken, '{"format": 1, "objects": {"gadget x": {}}}');
    const bad = await cli(['schema', 'diff', broken, 'snapshot']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('unknown object "gadget x"');
  });

  it('the password of a database URL given as a source is never printed', async () => {
    const url = new URL(db.url);
    url.username = 'nobody_here';
    url.password = 's3cr3t-pw';
    const result = await cli(['schema', 'diff', url.toString(), 'snapshot']);
    expect(result.exitCode).toBe(1);
    expect(`${result.stdout}${result.stderr}`).not.toContain('s3cr3t-pw');
  });

  it('Ctrl-C while migrations run on a server shadow drops the shadow database and exits 130', async () => {
    const dir = join(work, 'slow');
    cpSync(migrations, dir, { recursive: true });
    writeFileSync(
      join(dir, '20991231000001_slow.sql'),
      '-- migrate:up\nSELECT pg_sleep(20);\n\n-- migrate:down\nSELECT 1;\n',
    );
    const child = spawnCli(['--migrations-dir', dir, '--database-url', db.url, 'schema', 'check', '--live'], {
      cwd: work,
      env: cacheEnv,
    });
    const admin = new pg.Client({ connectionString: SERVER_URL });
    await admin.connect();
    const shadows = async () =>
      (
        await admin.query(`select datname from pg_database where datname like $1`, [
          `medicalcor\\_shadow\\_${child.pid}\\_%`,
        ])
      ).rows;
    try {
      const sleeping = async () =>
        (
          await admin.query(
            `select 1 from pg_stat_activity
              where query like '%pg_sleep(20)%' and datname like 'medicalcor\\_shadow\\_${child.pid}\\_%'`,
          )
        ).rowCount;
      for (let i = 0; i < 300 && !(await sleeping()); i++) await new Promise((r) => setTimeout(r, 50));
      expect(await shadows()).toHaveLength(1);
      child.kill('SIGINT');
      const result = await child;
      expect(result.exitCode).toBe(130);
      expect(await shadows()).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      await admin.end();
    }
  }, 60_000);
});
