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
