import type { Pool } from '../db/index.js';

/** Runs one read-only statement in one round trip. */
export type RunQuery = <Row>(sql: string, params: readonly unknown[]) => Promise<Row[]>;

/**
 * A RunQuery on a pool. The read pool (core/db/replica.ts) carries the per-source timeout as its
 * statement_timeout and default_transaction_read_only as start-up parameters, so each statement
 * is one round trip and a source given up on also stops on the server.
 */
export function poolQuery(pool: Pool): RunQuery {
  return async <Row>(sql: string, params: readonly unknown[]) => {
    const result = await pool.query(sql, params as unknown[]);
    return result.rows as Row[];
  };
}

export interface LimitedRows<Item> {
  items: Item[];
  /** more rows exist than were read */
  truncated: boolean;
}

/**
 * Reads at most `limit` rows, mapped. The statement takes the row limit as its last parameter;
 * one row more is asked for so a cut-off list can say so.
 */
export async function readLimited<Row, Item>(
  query: RunQuery,
  sql: string,
  params: readonly unknown[],
  limit: number,
  map: (row: Row) => Item,
): Promise<LimitedRows<Item>> {
  const rows = await query<Row>(sql, [...params, limit + 1]);
  return { items: rows.slice(0, limit).map(map), truncated: rows.length > limit };
}

/** The whole journey's failures and warnings in one source, whatever the view's limit. */
export interface SourceVerdict {
  failures: number;
  warnings: number;
  firstFailureAt?: Date;
}

interface VerdictColumns {
  __present: number | null;
  __failures: string | number;
  __warnings: string | number;
  __first_failure_at: Date | null;
}

/**
 * The journey's first `limit` rows and its verdict over ALL its rows, in one statement (one
 * round trip): `page` is the view, `verdict` counts failures and warnings through the partial
 * indexes. `$1` is the correlation ID and the last parameter the page size.
 */
export async function readPageWithVerdict<Row, Item>(
  query: RunQuery,
  sql: { page: string; verdict: string; order: string },
  params: readonly unknown[],
  limit: number,
  map: (row: Row) => Item,
): Promise<LimitedRows<Item> & { verdict: SourceVerdict }> {
  const statement = `WITH page AS (${sql.page}), verdict AS (${sql.verdict})
    SELECT page.*, page.__one AS __present, verdict.failures AS __failures, verdict.warnings AS __warnings,
           verdict.first_failure_at AS __first_failure_at
      FROM verdict LEFT JOIN page ON true ORDER BY ${sql.order}`;
  const rows = await query<Row & VerdictColumns>(statement, [...params, limit + 1]);
  const head = rows[0];
  const verdict: SourceVerdict = {
    failures: Number(head?.__failures ?? 0),
    warnings: Number(head?.__warnings ?? 0),
    firstFailureAt: head?.__first_failure_at ?? undefined,
  };
  const present = rows.filter((row) => row.__present !== null);
  return { items: present.slice(0, limit).map(map), truncated: present.length > limit, verdict };
}
