import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess as runCli } from './helpers/in-process.js';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('mc_pg15');
});
afterAll(async () => {
  await db.drop();
});

describe('the MedicalCor schema on PostgreSQL 15', () => {
  it('applies, rolls back every migration one at a time to an empty database, and applies again', async () => {
    const cli = (...args: string[]) => runCli(['--database-url', db.url, ...args]);
    const up = await cli('migrate', 'up');
    expect(up.exitCode, up.stderr).toBe(0);
    const count = JSON.parse((await cli('migrate', 'status', '-o', 'json')).stdout).applied as number;
    for (let i = 0; i < count; i++) {
      const down = await cli('migrate', 'down');
      expect(down.exitCode, down.stderr).toBe(0);
    }
    const { rows } = await db.pool.query(
      `select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r','v','m','S')
          and c.relname not in ('schema_migrations','medicalcor_migration_ledger','medicalcor_migration_failures')`,
    );
    expect(rows[0].n).toBe(0);
    expect((await cli('migrate', 'up')).exitCode).toBe(0);
  });
});
