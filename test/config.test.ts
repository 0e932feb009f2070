import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  describeDatabaseChoice,
  findConfigFile,
  findProjectRoot,
  loadConfigParser,
  resolveConfig,
  writableMigrationsDir,
  writableRunbooksDir,
} from '../src/core/config/index.js';
import { DomainError } from '../src/core/errors.js';
await loadConfigParser();

const project = mkdtempSync(join(tmpdir(), 'mc-config-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));
writeFileSync(
  join(project, 'medicalcor.config.yaml'),
  [
    'defaultEnv: staging',
    'migrationsDir: db/migrations',
    'environments:',
    '  staging:',
    '    databaseUrl: { env: STAGING_DB }',
    '    prometheusUrl: http://prom.staging:9090',
    '    trigger: { secretKey: { env: STAGING_TRIGGER_KEY } }',
    '  prod:',
    '    production: true',
    '    databaseUrl: { env: PROD_DB }',
  ].join('\n'),
);

/** a directory tree with nothing of medicalcor in it (no config, no .medicalcor/, no .git) */
const bare = () => mkdtempSync(join(tmpdir(), 'mc-noconfig-'));
// as the CLI runs in tests (helpers/cli.ts): the search stops below the shared temporary directory
const ceiling = { MEDICALCOR_CEILING_DIRECTORIES: tmpdir() };

describe('configuration: flags > environment variables > config file > defaults', () => {
  const env = {
    STAGING_DB: 'postgres://app:stagingpw@db.staging/app',
    PROD_DB: 'postgres://app:prodpw@db.prod/app',
    STAGING_TRIGGER_KEY: 'tr_stg_abcdefghijkl1234',
  };

  it('uses the file’s default environment and resolves secret references from the environment', () => {
    const config = resolveConfig({}, env, project);
    expect(config).toMatchObject({
      envName: 'staging',
      envExplicit: false,
      envSource: 'defaultEnv',
      production: false,
      databaseUrl: env.STAGING_DB,
      databaseSource: 'config',
      prometheusUrl: 'http://prom.staging:9090',
    });
    expect(config.migrationsDir).toBe(join(project, 'db/migrations'));
    expect(config.embeddedDataDir).toBe(join(project, '.medicalcor', 'pgdata'));
    expect(config.secrets).toEqual(expect.arrayContaining(['stagingpw', 'tr_stg_abcdefghijkl1234']));
  });

  it(
    'MEDICALCOR_ENV beats the file default, --env beats MEDICALCOR_ENV; ' +
      'only the flag counts as explicit for the production guard',
    () => {
      expect(resolveConfig({}, { ...env, MEDICALCOR_ENV: 'prod' }, project)).toMatchObject({
        envName: 'prod',
        envExplicit: false,
        envSource: 'MEDICALCOR_ENV',
        production: true,
      });
      expect(resolveConfig({ env: 'staging' }, { ...env, MEDICALCOR_ENV: 'prod' }, project)).toMatchObject({
        envName: 'staging',
        envExplicit: true,
        envSource: 'flag',
      });
      expect(resolveConfig({ env: 'prod' }, env, project)).toMatchObject({ envExplicit: true, production: true });
    },
  );

  it('--database-url beats MEDICALCOR_DATABASE_URL, which beats dbmate’s DATABASE_URL, which beats the file', () => {
    const all = {
      ...env,
      MEDICALCOR_DATABASE_URL: 'postgres://x@envhost/db',
      DATABASE_URL: 'postgres://x@dbmatehost/db',
    };
    expect(resolveConfig({ databaseUrl: 'postgres://x@flaghost/db' }, all, project)).toMatchObject({
      databaseUrl: 'postgres://x@flaghost/db',
      databaseSource: 'flag',
    });
    expect(resolveConfig({}, all, project)).toMatchObject({
      databaseUrl: 'postgres://x@envhost/db',
      databaseSource: 'MEDICALCOR_DATABASE_URL',
    });
    const dbmate = resolveConfig({}, { ...env, DATABASE_URL: 'postgres://x@dbmatehost/db' }, project);
    expect(dbmate).toMatchObject({ databaseUrl: 'postgres://x@dbmatehost/db', databaseSource: 'DATABASE_URL' });
    expect(describeDatabaseChoice(dbmate)).toBe('database: dbmatehost:5432/db (from DATABASE_URL)');
  });

  it('DATABASE_URL alone (no config file) is used, never the embedded database', () => {
    const dir = bare();
    const config = resolveConfig({}, { DATABASE_URL: 'postgres://u:dbmatepw@db.example:6432/crm' }, dir);
    expect(config).toMatchObject({
      databaseUrl: 'postgres://u:dbmatepw@db.example:6432/crm',
      databaseSource: 'DATABASE_URL',
    });
    expect(config.secrets).toContain('dbmatepw');
    rmSync(dir, { recursive: true, force: true });
  });

  it('a database variable set but empty is refused rather than silently falling back to the embedded database', () => {
    const dir = bare();
    for (const name of ['DATABASE_URL', 'MEDICALCOR_DATABASE_URL']) {
      const attempt = () => resolveConfig({}, { [name]: '' }, dir);
      expect(attempt).toThrow(DomainError);
      expect(attempt).toThrow(`${name} is set but empty.`);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'passwords in URLs given by flag or environment variable are ' +
      'secrets too (Redis included); a bad escape is not a crash',
    () => {
      const config = resolveConfig(
        { databaseUrl: 'postgres://u:flagpw1234@h/db' },
        { ...env, MEDICALCOR_REDIS_URL: 'redis://:redispw5678@cache:6379' },
        project,
      );
      expect(config.secrets).toEqual(expect.arrayContaining(['flagpw1234', 'redispw5678']));
      expect(() => resolveConfig({ databaseUrl: 'postgres://u:bad%zzescape@h/db' }, env, project)).not.toThrow();
    },
  );

  it('no file and nothing set: the local environment, the embedded database at the project root, and no Redis', () => {
    const empty = bare();
    const config = resolveConfig({}, { HOME: empty, ...ceiling }, empty);
    expect(config).toMatchObject({
      envName: 'local',
      production: false,
      databaseUrl: undefined,
      databaseSource: 'embedded',
      redisConfigured: false,
      migrationsDirSource: 'shipped',
    });
    expect(describeDatabaseChoice(config)).toMatch(
      new RegExp(
        String.raw`^database: using the embedded database in .*\.medicalcor/pgdata ` +
          String.raw`\(project root .*, found by its working directory\), because nothing is configured$`,
      ),
    );
    // libpq variables are not read: the note says so instead of ignoring them silently
    const withPg = resolveConfig({}, { HOME: empty, PGHOST: 'db.example' }, empty);
    expect(describeDatabaseChoice(withPg, { ignored: withPg.ignoredDatabaseVariables })).toContain(
      'PGHOST is set but not read',
    );
    rmSync(empty, { recursive: true, force: true });
  });

  it('MEDICALCOR_REDIS_URL or the file’s redisUrl configures Redis', () => {
    expect(resolveConfig({}, { ...env, MEDICALCOR_REDIS_URL: 'redis://cache:6379' }, project)).toMatchObject({
      redisConfigured: true,
      redisUrl: 'redis://cache:6379',
    });
    expect(resolveConfig({}, env, project).redisConfigured).toBe(false);
  });

  it('a secret reference to an unset variable is a usage error naming the key and the variable', () => {
    const attempt = () => resolveConfig({ env: 'prod' }, {}, project);
    expect(attempt).toThrow(DomainError);
    expect(attempt).toThrow(/environments\.prod\.databaseUrl names environment variable PROD_DB, which is not set/);
  });
});

describe('the project root is found like git finds its repository', () => {
  it('walks up to the nearest medicalcor.config.yaml, .medicalcor/ or .git, else the working directory', () => {
    const root = bare();
    try {
      mkdirSync(join(root, 'repo', '.git'), { recursive: true });
      mkdirSync(join(root, 'repo', 'docs', 'deep'), { recursive: true });
      expect(findProjectRoot(join(root, 'repo', 'docs', 'deep'), ceiling)).toEqual({
        dir: join(root, 'repo'),
        marker: 'repository root',
      });
      // a worktree's .git is a file
      mkdirSync(join(root, 'wt', 'src'), { recursive: true });
      writeFileSync(join(root, 'wt', '.git'), 'gitdir: /elsewhere\n');
      expect(findProjectRoot(join(root, 'wt', 'src'), ceiling)).toEqual({
        dir: join(root, 'wt'),
        marker: 'repository root',
      });
      mkdirSync(join(root, 'repo', 'docs', '.medicalcor'));
      expect(findProjectRoot(join(root, 'repo', 'docs', 'deep'), ceiling).marker).toBe('.medicalcor/');
      writeFileSync(join(root, 'repo', 'docs', 'deep', 'medicalcor.config.yaml'), 'environments: {}\n');
      expect(findProjectRoot(join(root, 'repo', 'docs', 'deep'), ceiling)).toEqual({
        dir: join(root, 'repo', 'docs', 'deep'),
        marker: 'medicalcor.config.yaml',
      });
      mkdirSync(join(root, 'plain'));
      expect(findProjectRoot(join(root, 'plain'), ceiling).marker).toBe('working directory');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('stops below a directory of MEDICALCOR_CEILING_DIRECTORIES, as git stops at GIT_CEILING_DIRECTORIES', () => {
    const shared = bare();
    try {
      // a stray .medicalcor/ in a shared parent (another run left /tmp/.medicalcor, say)
      mkdirSync(join(shared, '.medicalcor'));
      mkdirSync(join(shared, 'project', 'sub'), { recursive: true });
      const inside = join(shared, 'project', 'sub');
      expect(findProjectRoot(inside, {})).toEqual({ dir: shared, marker: '.medicalcor/' });
      expect(findProjectRoot(inside, { MEDICALCOR_CEILING_DIRECTORIES: shared })).toEqual({
        dir: inside,
        marker: 'working directory',
      });
      // a marker below the ceiling is still found, and so is a config file
      writeFileSync(join(shared, 'project', 'medicalcor.config.yaml'), 'environments: {}\n');
      expect(findProjectRoot(inside, { MEDICALCOR_CEILING_DIRECTORIES: shared }).dir).toBe(join(shared, 'project'));
      writeFileSync(join(shared, 'medicalcor.config.yaml'), 'environments: {}\n');
      rmSync(join(shared, 'project', 'medicalcor.config.yaml'));
      expect(findConfigFile(inside, { MEDICALCOR_CEILING_DIRECTORIES: shared, XDG_CONFIG_HOME: shared })).toBe(
        undefined,
      );
      expect(findConfigFile(inside, { XDG_CONFIG_HOME: shared })).toBe(join(shared, 'medicalcor.config.yaml'));
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  });

  it('every directory of a repository shares one embedded database at its root', () => {
    const root = bare();
    try {
      mkdirSync(join(root, '.git'));
      mkdirSync(join(root, 'docs'));
      const fromDocs = resolveConfig({}, { HOME: root }, join(root, 'docs'));
      expect(fromDocs.embeddedDataDir).toBe(join(root, '.medicalcor', 'pgdata'));
      expect(fromDocs.projectRoot).toEqual({ dir: root, marker: 'repository root' });
      expect(writableRunbooksDir(fromDocs)).toBe(join(root, 'runbooks'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('the shipped schema (the default migrations directory) is never a write target', () => {
    const dir = bare();
    const config = resolveConfig({}, { HOME: dir }, dir);
    expect(() => writableMigrationsDir(config)).toThrow(
      'No migrations directory is configured; the default is the MedicalCor schema shipped with the CLI, ' +
        'which is read-only',
    );
    const configured = resolveConfig({ migrationsDir: 'db/migrations' }, { HOME: dir }, dir);
    expect(writableMigrationsDir(configured)).toBe(join(dir, 'db/migrations'));
    rmSync(dir, { recursive: true, force: true });
  });
});
