import type pg from 'pg';
import { Pool as PgPool } from './pg.js';
import { connectionError } from './errors.js';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export interface PoolOptions {
  applicationName?: string;
  max?: number;
}

/** A pool whose first connection is made eagerly, so a bad URL fails here with a clear message. */
export async function openPool(url: string, options: PoolOptions = {}): Promise<pg.Pool> {
  const pool = new PgPool({
    connectionString: url,
    application_name: options.applicationName ?? 'medicalcor',
    max: options.max ?? 4,
    connectionTimeoutMillis: 10_000,
  });
  // Idle clients can be cut by the server (restart, kill); that must not crash the CLI.
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => {});
    throw connectionError(error, url);
  }
  return pool;
}

/** Adds sslmode=disable for loopback hosts that do not say: dbmate's driver otherwise insists on TLS. */
export function withLoopbackSslDisabled(url: string): string {
  try {
    const parsed = new URL(url);
    const loopback = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(parsed.hostname) || parsed.hostname === '';
    if (loopback && !parsed.searchParams.has('sslmode')) parsed.searchParams.set('sslmode', 'disable');
    return parsed.toString();
  } catch {
    return url;
  }
}
