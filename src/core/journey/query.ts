import type { Pool } from '../db/index.js';

/** Runs one read-only statement; the database stops it itself after `timeoutMs`. */
export type RunQuery = <Row>(sql: string, params: readonly unknown[]) => Promise<Row[]>;

/**
 * A RunQuery on its own pooled connection, inside a read-only transaction whose
 * statement_timeout is the source's timeout, so a source given up on also stops on the server
 * instead of holding a connection and a snapshot.
 */
export function boundedQuery(pool: Pool, timeoutMs: number): RunQuery {
  return async <Row>(sql: string, params: readonly unknown[]) => {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN READ ONLY');
      await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.ceil(timeoutMs))}`);
      const result = await client.query(sql, params as unknown[]);
      await client.query('COMMIT');
      return result.rows as Row[];
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      client.release(broken);
    }
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
