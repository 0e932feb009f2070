import type { Pool } from 'pg';
import { invalidInput, rethrowSchemaMissing } from '../errors.js';
import { type OperatorContext, recordOperatorAction } from '../events/operations-log.js';

export interface PruneReport {
  keep: number;
  dryRun: boolean;
  /** snapshots deleted (or that would be) */
  pruned: number;
  aggregates: number;
  byType: { aggregateType: string; pruned: number }[];
  /** the event_store_operations row of an executed prune */
  auditId: number | null;
}

/**
 * Keeps the newest `keep` snapshots of every aggregate and deletes the older ones, in one statement;
 * an executed prune writes its audit row in the same transaction, so a deletion is never unaccounted.
 */
export async function pruneSnapshots(
  pool: Pool,
  options: { keep: number; execute: boolean; types?: readonly string[]; operator: OperatorContext },
): Promise<PruneReport> {
  if (!Number.isInteger(options.keep) || options.keep < 1) {
    throw invalidInput(`Keeping ${options.keep} snapshots per aggregate is not possible; keep at least 1.`, {
      code: 'snapshots.bad-keep',
      facts: { keep: options.keep },
    });
  }
  const doomed = `SELECT aggregate_id, version, aggregate_type FROM (
                    SELECT aggregate_id, version, aggregate_type,
                           row_number() OVER (PARTITION BY aggregate_id ORDER BY version DESC) AS rank
                      FROM aggregate_snapshots WHERE $2::text[] IS NULL OR aggregate_type = ANY($2::text[])) ranked
                   WHERE rank > $1`;
  const perType = 'SELECT aggregate_type, count(*)::int AS pruned, count(DISTINCT aggregate_id)::int AS aggregates';
  const sql = options.execute
    ? `WITH gone AS (DELETE FROM aggregate_snapshots s USING (${doomed}) d
                      WHERE s.aggregate_id = d.aggregate_id AND s.version = d.version
                      RETURNING s.aggregate_id, s.aggregate_type)
       ${perType} FROM gone GROUP BY 1 ORDER BY 1`
    : `${perType} FROM (${doomed}) d GROUP BY 1 ORDER BY 1`;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(sql, [options.keep, options.types?.length ? [...options.types] : null]);
    const report: PruneReport = {
      keep: options.keep,
      dryRun: !options.execute,
      pruned: rows.reduce((n: number, r: any) => n + r.pruned, 0),
      aggregates: rows.reduce((n: number, r: any) => n + r.aggregates, 0),
      byType: rows.map((r: any) => ({ aggregateType: r.aggregate_type, pruned: r.pruned })),
      auditId: null,
    };
    if (options.execute) {
      report.auditId = await recordOperatorAction(client, {
        operation: 'snapshots.prune',
        target: options.types?.length ? options.types.join(',') : '*',
        ...options.operator,
        outcome: 'succeeded',
        details: { keep: options.keep, pruned: report.pruned, aggregates: report.aggregates, byType: report.byType },
      });
    }
    await client.query('COMMIT');
    return report;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    rethrowSchemaMissing(error);
  } finally {
    client.release();
  }
}
