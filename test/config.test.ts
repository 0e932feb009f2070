import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigParser, resolveConfig } from '../src/core/config/index.js';
await loadConfigParser();
import { CliError } from '../src/cli-kit/index.js';

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

describe('configuration: flags > environment variables > config file > defaults', () => {
  const env = { STAGING_DB: 'postgres://app:stagingpw@db.staging/app', PROD_DB: 'postgres://app:prodpw@db.prod/app', STAGING_TRIGGER_KEY: 'tr_stg_abcdefghijkl1234' };

  it('uses the file’s default environment and resolves secret references from the environment', () => {
    const config = resolveConfig({}, env, project);
    expect(config).toMatchObject({ envName: 'staging', envExplicit: false, production: false, databaseUrl: env.STAGING_DB, prometheusUrl: 'http://prom.staging:9090' });
    expect(config.migrationsDir).toBe(join(project, 'db/migrations'));
    expect(config.embeddedDataDir).toBe(join(project, '.medicalcor', 'pgdata'));
    expect(config.secrets).toEqual(expect.arrayContaining(['stagingpw', 'tr_stg_abcdefghijkl1234']));
  });

  it('MEDICALCOR_ENV beats the file default, --env beats MEDICALCOR_ENV; both count as explicit', () => {
    expect(resolveConfig({}, { ...env, MEDICALCOR_ENV: 'prod' }, project)).toMatchObject({ envName: 'prod', envExplicit: true, production: true });
    expect(resolveConfig({ env: 'staging' }, { ...env, MEDICALCOR_ENV: 'prod' }, project)).toMatchObject({ envName: 'staging', envExplicit: true });
  });

  it('--database-url beats MEDICALCOR_DATABASE_URL, which beats the file', () => {
    const fromEnv = resolveConfig({}, { ...env, MEDICALCOR_DATABASE_URL: 'postgres://x@envhost/db' }, project);
    expect(fromEnv.databaseUrl).toBe('postgres://x@envhost/db');
    const fromFlag = resolveConfig({ databaseUrl: 'postgres://x@flaghost/db' }, { ...env, MEDICALCOR_DATABASE_URL: 'postgres://x@envhost/db' }, project);
    expect(fromFlag.databaseUrl).toBe('postgres://x@flaghost/db');
  });

  it('passwords in URLs given by flag or environment variable are secrets too (Redis included); a bad escape is not a crash', () => {
    const config = resolveConfig({ databaseUrl: 'postgres://u:flagpw1234@h/db' }, { ...env, MEDICALCOR_REDIS_URL: 'redis://:redispw5678@cache:6379' }, project);
    expect(config.secrets).toEqual(expect.arrayContaining(['flagpw1234', 'redispw5678']));
    expect(() => resolveConfig({ databaseUrl: 'postgres://u:bad%zzescape@h/db' }, env, project)).not.toThrow();
  });

  it('no file and nothing set: the local environment with the embedded database and defaults', () => {
    const empty = mkdtempSync(join(tmpdir(), 'mc-noconfig-'));
    const config = resolveConfig({}, { HOME: empty }, empty);
    expect(config).toMatchObject({ envName: 'local', production: false, databaseUrl: undefined, redisUrl: 'redis://127.0.0.1:6379' });
    rmSync(empty, { recursive: true, force: true });
  });

  it('a secret reference to an unset variable is a usage error naming the key and the variable', () => {
    const attempt = () => resolveConfig({ env: 'prod' }, {}, project);
    expect(attempt).toThrow(CliError);
    expect(attempt).toThrow(/environments\.prod\.databaseUrl names environment variable PROD_DB, which is not set/);
  });
});
