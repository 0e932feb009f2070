import type pg from 'pg';
import { SchemaMissingError } from '../errors.js';

/**
 * Folds the ledger's tail (llm_usage_logs rows committed since the last fold) into llm_usage_rollup,
 * with llm_usage_fold() (migration 20251201000800). Idempotent and safe from any number of processes
 * at once, while calls are recorded: a fold adds exactly the rows the previous one had not seen.
 * Ledger inserts do no roll-up work; readers add the tail (llm_usage_rollup_current), so folding
 * only keeps the tail, and the reads, short. `wait: false` returns null at once when another
 * fold is running (it will have folded the same rows).
 * Returns the rows folded.
 */
export async function foldBudgetLedger(pool: pg.Pool, options: { wait?: boolean } = {}): Promise<number | null> {
  const client = await pool.connect();
  try {
    // the fold must take its snapshot after its lock: READ COMMITTED, whatever the server's default
    await client.query('begin isolation level read committed');
    const { rows } = await client.query<{ folded: string | null }>('select llm_usage_fold($1) as folded', [
      options.wait ?? true,
    ]);
    await client.query('commit');
    const folded = rows[0]?.folded;
    return folded === null || folded === undefined ? null : Number(folded);
  } catch (error) {
    await client.query('rollback').catch(() => {});
    // 42883 undefined_function: the migrations that add the fold are not applied
    if ((error as { code?: string }).code === '42883') throw new SchemaMissingError('llm_usage_fold()', error);
    throw error;
  } finally {
    client.release();
  }
}
