import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { binPath, cleanEnv } from './helpers/cli.js';
import { runInProcess as runCli } from './helpers/in-process.js';
import { makeMigrationsDir, SMALL_SCHEMA } from './helpers/migrations-dir.js';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.js';

let db: TestDatabase;
let project: string;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase('mc_guard');
  dir = makeMigrationsDir(SMALL_SCHEMA);
  project = mkdtempSync(join(tmpdir(), 'mc-project-'));
  writeFileSync(
    join(project, 'medicalcor.config.yaml'),
    `defaultEnv: prod\nmigrationsDir: ${dir}\nenvironments:\n` +
      '  prod:\n    production: true\n    databaseUrl: { env: PROD_DATABASE_URL }\n' +
      '  staging:\n    databaseUrl: { env: PROD_DATABASE_URL }\n',
  );
});
afterAll(async () => {
  await db.drop();
  rmSync(project, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli(args, { cwd: project, env: { PROD_DATABASE_URL: db.url } });
const applied = async () =>
  (await db.pool.query(`select to_regclass('schema_migrations') is not null as present`)).rows[0].present as boolean;

describe('production confirmation', () => {
  it('without a terminal, up on production is refused (exit 2) and nothing is applied', async () => {
    const run = await cli('migrate', 'up', '--env', 'prod');
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('Refusing to apply 3 migration(s) on production environment "prod"');
    expect(run.stderr).toContain('--yes --env prod');
    expect(await applied()).toBe(false);
  });

  it('--yes alone is refused when the environment was not named explicitly', async () => {
    const run = await cli('migrate', 'up', '--yes');
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('also needs --env prod');
    expect(await applied()).toBe(false);
  });

  const YES_WITH_EXPLICIT_ENV =
    '--yes with an explicit --env applies; down on production shows what it will undo and needs the same';
  it(YES_WITH_EXPLICIT_ENV, async () => {
    const up = await cli('migrate', 'up', '--yes', '--env', 'prod');
    expect(up.exitCode, up.stderr).toBe(0);
    expect(await applied()).toBe(true);
    const refused = await cli('migrate', 'down', '--env', 'prod');
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('will roll back, in this order: 20240101000003_add_visits_note.sql');
    const down = await cli('migrate', 'down', '--yes', '--env', 'prod');
    expect(down.exitCode, down.stderr).toBe(0);
    const { rows } = await db.pool.query('select count(*)::int as n from schema_migrations');
    expect(rows[0].n).toBe(2);
  });

  const NON_PRODUCTION_AND_UNKNOWN_ENV =
    'a non-production environment needs no confirmation; an unknown one is a usage error naming the known ones';
  it(NON_PRODUCTION_AND_UNKNOWN_ENV, async () => {
    const status = await cli('migrate', 'status', '--env', 'staging');
    expect(status.exitCode).toBe(0);
    const unknown = await cli('migrate', 'status', '--env', 'nope');
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('Known environments: prod, staging');
  });
});

/** Runs the CLI on a pseudo-terminal (util-linux `script`) and types `answer` at the prompt. */
async function onTerminal(args: string[], answer: string) {
  const command = ['node', binPath, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const env = cleanEnv({ PROD_DATABASE_URL: db.url, CI: undefined });
  const child = execa('script', ['-qec', command, '/dev/null'], {
    cwd: project,
    env,
    extendEnv: false,
    reject: false,
    stdin: 'pipe',
  });
  let seen = '';
  await new Promise<void>((resolve) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('Type the environment name')) resolve();
    });
    void child.finally(() => resolve());
  });
  child.stdin!.write(`${answer}\r`);
  const result = await child;
  return { exitCode: result.exitCode, output: String(result.stdout) };
}

describe('production confirmation on a terminal', () => {
  it('a wrong name changes nothing; the environment’s name applies', async () => {
    const applied = (
      await db.pool.query(`select count(*)::int as n from schema_migrations`).catch(() => ({ rows: [{ n: 0 }] }))
    ).rows[0].n as number;
    if (applied > 0) expect((await cli('migrate', 'down', String(applied), '--yes', '--env', 'prod')).exitCode).toBe(0);
    const wrong = await onTerminal(['--env', 'prod', 'migrate', 'up'], 'staging');
    expect(wrong.output).toContain('PRODUCTION "prod"');
    expect(wrong.output).toContain('Not confirmed; nothing was changed.');
    expect(wrong.exitCode).toBe(1);
    expect((await db.pool.query('select count(*)::int as n from schema_migrations')).rows[0].n).toBe(0);
    const right = await onTerminal(['--env', 'prod', 'migrate', 'up'], 'prod');
    expect(right.exitCode, right.output).toBe(0);
    expect((await db.pool.query('select count(*)::int as n from schema_migrations')).rows[0].n).toBe(3);
  });
});

describe('bad input gets one clear message, a documented exit code and no stack trace', () => {
  const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at /);

  it('unreachable database: exit 1, URL shown with the password masked', async () => {
    const run = await runCli([
      '--database-url',
      'postgres://postgres:hunter2secret@127.0.0.1:1/x',
      'migrate',
      'status',
    ]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('connection refused');
    expect(run.stderr).not.toContain('hunter2secret');
    expect(run.stdout).not.toContain('hunter2secret');
    noStack(run.stderr);
  });

  it('rejected credentials (unknown role): exit 1, no password in the output', async () => {
    const url = new URL(db.url);
    url.username = 'no_such_role';
    url.password = 'hunter2secret';
    const run = await runCli(['--database-url', url.toString(), '--migrations-dir', dir, 'migrate', 'status']);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('refused the credentials');
    expect(run.stderr).not.toContain('hunter2secret');
    noStack(run.stderr);
  });

  it('missing database: exit 1 saying so', async () => {
    const url = new URL(db.url);
    url.pathname = '/mc_does_not_exist';
    const run = await runCli(['--database-url', url.toString(), '--migrations-dir', dir, 'migrate', 'status']);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('does not exist');
  });

  it('missing migrations directory: exit 2 naming it', async () => {
    const run = await runCli([
      '--database-url',
      db.url,
      '--migrations-dir',
      '/nonexistent/migrations',
      'migrate',
      'status',
    ]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('Migrations directory not found: /nonexistent/migrations');
    noStack(run.stderr);
  });

  it('malformed config file: exit 2 naming the file and the key', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'mc-badcfg-'));
    writeFileSync(join(bad, 'medicalcor.config.yaml'), 'environments:\n  prod:\n    production: maybe\n');
    const run = await runCli(['migrate', 'status'], { cwd: bad });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`${join(bad, 'medicalcor.config.yaml')}: environments.prod.production`);
    writeFileSync(
      join(bad, 'medicalcor.config.yaml'),
      'environments:\n  prod:\n    databaseUrl: postgres://u:plaintextpw@db/x\n',
    );
    const plain = await runCli(['migrate', 'status', '--env', 'prod'], { cwd: bad });
    expect(plain.exitCode).toBe(2);
    expect(plain.stderr).toContain('contains a password in plain text');
    expect(plain.stderr).not.toContain('plaintextpw');
    rmSync(bad, { recursive: true, force: true });
  });

  it('unknown flag and bad -o value: exit 2', async () => {
    expect((await runCli(['migrate', 'up', '--frobnicate'])).exitCode).toBe(2);
    expect((await runCli(['migrate', 'status', '-o', 'xml'])).exitCode).toBe(2);
    expect((await runCli(['no-such-command'])).exitCode).toBe(2);
  });

  it('--debug shows the stack of an unexpected error path only when asked', async () => {
    const run = await runCli(['--debug', '--database-url', 'postgres://postgres@127.0.0.1:1/x', 'migrate', 'status']);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/\n\s+at /);
  });
});
