/** Read-replica configuration: readDatabaseUrl and maxReplicaLagMs, flags > environment > file > defaults. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_REPLICA_LAG_MS, loadConfigParser, resolveConfig } from '../src/core/config/index.js';

await loadConfigParser();
const project = mkdtempSync(join(tmpdir(), 'mc-replica-config-'));
writeFileSync(
  join(project, 'medicalcor.config.yaml'),
  `
defaultEnv: prod
environments:
  prod:
    databaseUrl: { env: PROD_DB }
    readDatabaseUrl: { env: PROD_READ_DB }
    maxReplicaLagMs: 2000
`,
);
afterAll(() => rmSync(project, { recursive: true, force: true }));

const fileEnv = { PROD_DB: 'postgres://app:pw1@primary/db', PROD_READ_DB: 'postgres://app:pw2@replica/db' };

describe('read replica configuration', () => {
  it("the environment names its replica and lag limit; the replica password is a secret like the primary's", () => {
    const config = resolveConfig({}, fileEnv, project);
    expect(config).toMatchObject({
      databaseUrl: fileEnv.PROD_DB,
      readDatabaseUrl: fileEnv.PROD_READ_DB,
      maxReplicaLagMs: 2000,
    });
    expect(config.secrets).toEqual(expect.arrayContaining(['pw1', 'pw2']));
  });

  it('MEDICALCOR_READ_DATABASE_URL and MEDICALCOR_MAX_REPLICA_LAG_MS win over the file', () => {
    const config = resolveConfig(
      {},
      { ...fileEnv, MEDICALCOR_READ_DATABASE_URL: 'postgres://x@other/db', MEDICALCOR_MAX_REPLICA_LAG_MS: '250' },
      project,
    );
    expect(config).toMatchObject({ readDatabaseUrl: 'postgres://x@other/db', maxReplicaLagMs: 250 });
  });

  it("a primary given outside the file does not get the file's replica (it replicates another database)", () => {
    const config = resolveConfig({ databaseUrl: 'postgres://me@elsewhere/db' }, fileEnv, project);
    expect(config.readDatabaseUrl).toBeUndefined();
    expect(
      resolveConfig({}, { ...fileEnv, MEDICALCOR_DATABASE_URL: 'postgres://me@elsewhere/db' }, project).readDatabaseUrl,
    ).toBeUndefined();
  });

  it('without a replica the limit has its default, and a malformed limit is a usage error', () => {
    expect(resolveConfig({}, {}, tmpdir())).toMatchObject({
      readDatabaseUrl: undefined,
      maxReplicaLagMs: DEFAULT_MAX_REPLICA_LAG_MS,
    });
    expect(() => resolveConfig({}, { MEDICALCOR_MAX_REPLICA_LAG_MS: '5s' }, tmpdir())).toThrow(
      /whole number of milliseconds/,
    );
  });
});
