import { Pool as PgPool } from './pg.js';
import { formatMs } from '../time/index.js';
import { maskUrl } from '../redact.js';
import { connectionError } from './errors.js';
import type { Pool } from './pool.js';

/**
 * The pool read-only work uses (trace, --failed, status commands, read-only checks): the
 * environment's streaming replica while its lag is within the limit, else the primary. Writes
 * (audits, the PII access log, migrations) never come here: they use the primary's pool.
 */

/** Where reads go, and why (shown on stderr and in JSON). */
export interface ReadRoute {
  target: 'replica' | 'primary';
  /** the replica's replay lag when it was asked (also when it was too far behind) */
  lagMs?: number;
  /** e.g. "replica lag 120 ms (limit 5 s)", "replica lag 8.2 s exceeds the limit of 5 s: reading the primary" */
  reason: string;
}

export interface ReadDatabase {
  pool: Pool;
  route: ReadRoute;
  close(): Promise<void>;
}

export interface ReadDatabaseOptions {
  primaryUrl: string;
  replicaUrl?: string;
  /** past this replay lag the primary is read instead */
  maxLagMs: number;
  /** connections in the pool: one per source that reads in parallel */
  connections: number;
  /** every statement's limit on the server, sent at connection start (no extra round trip) */
  statementTimeoutMs?: number;
  applicationName?: string;
}

function readPool(url: string, options: ReadDatabaseOptions): Pool {
  const pool = new PgPool({
    connectionString: url,
    application_name: options.applicationName ?? 'medicalcor (read)',
    max: Math.max(1, options.connections),
    connectionTimeoutMillis: 10_000,
    statement_timeout:
      options.statementTimeoutMs === undefined ? undefined : Math.max(1, Math.ceil(options.statementTimeoutMs)),
    // a read pool cannot write even by mistake, on the primary too
    options: '-c default_transaction_read_only=on',
  });
  pool.on('error', () => {});
  return pool;
}

const LAG_SQL = `SELECT pg_is_in_recovery() AS standby,
  CASE WHEN NOT pg_is_in_recovery() THEN 0
       WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
       ELSE GREATEST(0, EXTRACT(EPOCH FROM (clock_timestamp() - pg_last_xact_replay_timestamp())) * 1000)
  END AS lag_ms`;

/**
 * The replica's replay lag in ms: 0 when it has replayed all it received (an idle primary is not
 * lag), else the age of the last replayed transaction; undefined when it cannot tell.
 */
export async function replicaLagMs(pool: Pool): Promise<{ standby: boolean; lagMs?: number }> {
  const { rows } = await pool.query<{ standby: boolean; lag_ms: string | number | null }>(LAG_SQL);
  const row = rows[0];
  return {
    standby: Boolean(row?.standby),
    lagMs: row?.lag_ms === null || row?.lag_ms === undefined ? undefined : Math.round(Number(row.lag_ms)),
  };
}

async function openPrimary(options: ReadDatabaseOptions, route: ReadRoute): Promise<ReadDatabase> {
  const pool = readPool(options.primaryUrl, options);
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => {});
    throw connectionError(error, options.primaryUrl);
  }
  return { pool, route, close: () => pool.end().catch(() => {}) };
}

/** Opens the read pool: the replica when it answers and is within the lag limit, else the primary. */
export async function openReadDatabase(options: ReadDatabaseOptions): Promise<ReadDatabase> {
  if (!options.replicaUrl) return openPrimary(options, { target: 'primary', reason: 'no read replica configured' });
  const limit = formatMs(options.maxLagMs);
  const pool = readPool(options.replicaUrl, options);
  let lag: { standby: boolean; lagMs?: number };
  try {
    lag = await replicaLagMs(pool);
  } catch (error) {
    await pool.end().catch(() => {});
    const why = (error as Error).message?.split('\n')[0] ?? String(error);
    return openPrimary(options, {
      target: 'primary',
      reason: `read replica ${maskUrl(options.replicaUrl)} unreachable (${why}): reading the primary`,
    });
  }
  if (lag.lagMs !== undefined && lag.lagMs <= options.maxLagMs) {
    const what = lag.standby
      ? `replica lag ${formatMs(lag.lagMs)} (limit ${limit})`
      : 'the read URL is not a standby (no lag)';
    return {
      pool,
      route: { target: 'replica', lagMs: lag.lagMs, reason: what },
      close: () => pool.end().catch(() => {}),
    };
  }
  await pool.end().catch(() => {});
  const reason =
    lag.lagMs === undefined
      ? 'replica lag unknown (nothing replayed yet): reading the primary'
      : `replica lag ${formatMs(lag.lagMs)} exceeds the limit of ${limit}: reading the primary`;
  return openPrimary(options, { target: 'primary', lagMs: lag.lagMs, reason });
}
