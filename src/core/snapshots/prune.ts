import type { Pool } from 'pg';
import { invalidInput, rethrowSchemaMissing } from '../errors.js';

export interface PruneReport {
  keep: number;
  dryRun: boolean;
  /** snapshots deleted (or that would be) */
  pruned: number;
  aggregates: number;
  byType: { aggregateType: string; pruned: number }[];
}

/** Keeps the newest `keep` snapshots of every aggregate and deletes the older ones, in one statement. */
export async function pruneSnapshots(
  pool: Pool,
  options: { keep: number; execute: boolean; types?: readonly string[] },
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
  const sql = options.execute
    ? `WITH gone AS (DELETE FROM aggregate_snapshots s USING (${doomed}) d
                      WHERE s.aggregate_id = d.aggregate_id AND s.version = d.version
                      RETURNING s.aggregate_id, s.aggregate_type)
       SELECT aggregate_type, count(*)::int AS pruned, count(DISTINCT aggregate_id)::int AS aggregates
         FROM gone GROUP BY 1 ORDER BY 1`
    : `SELECT aggregate_type, count(*)::int AS pruned, count(DISTINCT aggregate_id)::int AS aggregates
         FROM (${doomed}) d GROUP BY 1 ORDER BY 1`;
  try {
    const { rows } = await pool.query(sql, [options.keep, options.types?.length ? [...options.types] : null]);
    return {
      keep: options.keep,
      dryRun: !options.execute,
      pruned: rows.reduce((n: number, r: any) => n + r.pruned, 0),
      aggregates: rows.reduce((n: number, r: any) => n + r.aggregates, 0),
      byType: rows.map((r: any) => ({ aggregateType: r.aggregate_type, pruned: r.pruned })),
    };
  } catch (error) {
    rethrowSchemaMissing(error);
  }
}
