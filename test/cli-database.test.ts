import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from './helpers/in-process.js';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.js';

/** A project directory of its own: nothing of medicalcor above it (no config, no .medicalcor/, no .git). */
const scratch = (name: string) => mkdtempSync(join(tmpdir(), `mc-${name}-`));
const dirs: string[] = [];
const project = (name: string) => {
  const dir = scratch(name);
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function appliedVersions(db: TestDatabase): Promise<number> {
  const { rows } = await db.pool
    .query(`select count(*)::int as n from schema_migrations`)
    .catch(() => ({ rows: [{ n: 0 }] }));
  return rows[0].n;
}

describe('DATABASE_URL is honoured as dbmate honours it', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('mc_dbmate_url');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('migrate up with only DATABASE_URL set migrates that database, says so, and creates no embedded one', async () => {
    const cwd = project('dbmate-url');
    const run = await runInProcess(['migrate', 'up'], { cwd, env: { DATABASE_URL: db.url } });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain(`note: database: 127.0.0.1:5432/${db.name} (from DATABASE_URL)`);
    expect(await appliedVersions(db)).toBeGreaterThanOrEqual(10);
    expect(existsSync(join(cwd, '.medicalcor'))).toBe(false);
  });

  it('MEDICALCOR_DATABASE_URL wins over DATABASE_URL, and needs no note', async () => {
    const cwd = project('ours-wins');
    const run = await runInProcess(['migrate', 'status', '-o', 'json'], {
      cwd,
      env: { MEDICALCOR_DATABASE_URL: db.url, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nothing' },
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toBeTruthy();
  });

  it('an empty DATABASE_URL is refused (exit 2), not taken as "use the embedded database"', async () => {
    const cwd = project('empty-url');
    const run = await runInProcess(['migrate', 'status'], { cwd, env: { DATABASE_URL: '' } });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('error: DATABASE_URL is set but empty.');
    expect(existsSync(join(cwd, '.medicalcor'))).toBe(false);
  });
});

describe('the production guard needs --env on the command line for --yes', () => {
  let db: TestDatabase;
  let cwd: string;
  beforeAll(async () => {
    db = await createTestDatabase('mc_prod_guard');
    cwd = project('prod-guard');
    writeFileSync(
      join(cwd, 'medicalcor.config.yaml'),
      ['environments:', '  prod:', '    production: true', '    databaseUrl: { env: PROD_DB }'].join('\n'),
    );
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('MEDICALCOR_ENV=prod migrate up --yes is refused with exit 2 and applies nothing', async () => {
    const run = await runInProcess(['migrate', 'up', '--yes'], {
      cwd,
      env: { PROD_DB: db.url, MEDICALCOR_ENV: 'prod' },
    });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--yes on production environment "prod" also needs --env prod.');
    expect(await appliedVersions(db)).toBe(0);
  });

  it('defaultEnv: prod with --yes is refused the same way', async () => {
    const dir = project('prod-default');
    writeFileSync(
      join(dir, 'medicalcor.config.yaml'),
      [
        'defaultEnv: prod',
        'environments:',
        '  prod:',
        '    production: true',
        '    databaseUrl: { env: PROD_DB }',
      ].join('\n'),
    );
    const run = await runInProcess(['migrate', 'up', '--yes'], { cwd: dir, env: { PROD_DB: db.url } });
    expect(run.exitCode).toBe(2);
    expect(await appliedVersions(db)).toBe(0);
  });

  it('--env prod --yes on the command line goes ahead', async () => {
    const run = await runInProcess(['--env', 'prod', 'migrate', 'up', '--yes'], {
      cwd,
      env: { PROD_DB: db.url, MEDICALCOR_ENV: 'prod' },
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(await appliedVersions(db)).toBeGreaterThanOrEqual(10);
  });
});

describe('nothing configured: no Redis is read, and the embedded database lives at the project root', () => {
  it('check says Redis is not configured and skips what reads it; breaker list refuses to guess one', async () => {
    const cwd = project('no-redis');
    const run = await runInProcess(['check', '--only', 'redis,open-breakers', '-o', 'json'], { cwd });
    expect(run.exitCode, run.stderr).toBe(0);
    const byId = Object.fromEntries(JSON.parse(run.stdout).checks.map((c: { id: string }) => [c.id, c]));
    expect(byId.redis).toMatchObject({ status: 'skip', summary: 'not configured: no Redis is read' });
    expect(byId['open-breakers']).toMatchObject({
      status: 'skip',
      summary: expect.stringContaining('no Redis is configured'),
    });
    const breakers = await runInProcess(['breaker', 'list'], { cwd });
    expect(breakers.exitCode).toBe(1);
    expect(breakers.stderr).toContain('error: No Redis is configured for environment "local".');
    expect(breakers.stderr).toContain('hint: Set MEDICALCOR_REDIS_URL');
  });

  it('from a subdirectory of a repository: one embedded database ' +
    'at the repository root, and the note says where and why', async () => {
    const root = project('repo-root');
    mkdirSync(join(root, '.git'));
    mkdirSync(join(root, 'docs'));
    const run = await runInProcess(['migrate', 'status', '-o', 'json'], {
      cwd: join(root, 'docs'),
      env: { XDG_CACHE_HOME: join(root, '.cache') },
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      `note: database: using the embedded database in ${join(root, '.medicalcor', 'pgdata')} (project root ${root}, ` +
        'found by its repository root), because nothing is configured',
    );
    expect(existsSync(join(root, '.medicalcor', 'pgdata'))).toBe(true);
    expect(existsSync(join(root, 'docs', '.medicalcor'))).toBe(false);
  }, 180_000);
});
