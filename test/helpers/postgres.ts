import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { execa } from 'execa';
import { repoRoot } from './cli.js';

/** The PostgreSQL 15 server the tests use (CI starts it; trust auth on loopback). */
export const SERVER_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function urlFor(database: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  url.searchParams.set('sslmode', 'disable');
  return url.toString();
}

export interface TestDatabase {
  name: string;
  url: string;
  pool: pg.Pool;
  drop(): Promise<void>;
}

/** A fresh database on the real server, named for the test, dropped (with its connections) by drop(). */
export async function createTestDatabase(prefix = 'mc_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = urlFor(name);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => {});
  return {
    name,
    url,
    pool,
    async drop() {
      await pool.end().catch(() => {});
      const c = new pg.Client({ connectionString: SERVER_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** Applies the shipped MedicalCor migrations with the real dbmate binary (not through the CLI). */
export async function applySchema(url: string, migrationsDir = `${repoRoot}src/migrations`): Promise<void> {
  const dbmate = `${repoRoot}node_modules/@dbmate/${process.platform}-${process.arch}/bin/dbmate`;
  await execa(dbmate, ['--migrations-dir', migrationsDir, '--no-dump-schema', 'migrate'], {
    env: { DATABASE_URL: url },
    extendEnv: false,
  });
}

/**
 * Empties the AI ledger and its roll-up as docs/budget.md says to: the fold's state row locked
 * first, so a controller's background fold still running from an earlier test finishes before (or
 * skips) instead of deadlocking with the TRUNCATE (a fold locks the roll-up, then the ledger).
 */
export async function truncateBudgetLedger(pool: pg.Pool, ...more: string[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT 1 FROM llm_usage_fold_state FOR UPDATE');
    await client.query(`TRUNCATE ${['llm_usage_logs', 'llm_usage_rollup', ...more].join(', ')}`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
