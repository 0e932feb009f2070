import type { Pool } from 'pg';
import { invalidInput, rethrowSchemaMissing } from '../errors.js';
import { DEFAULT_SNAPSHOT_INTERVAL } from './store.js';

type Db = { query: Pool['query'] };

export interface AggregateTypeSnapshotStatus {
  aggregateType: string;
  aggregates: number;
  /** events appended since each aggregate's last snapshot (its whole stream when it has none) */
  eventsSinceSnapshot: { p50: number; p99: number; max: number };
  /** aggregates with at least `interval` events since their last snapshot */
  pastInterval: number;
  withoutSnapshot: number;
  /** the furthest behind, most first */
  worst: { aggregateId: string; version: number; snapshotVersion: number; eventsSinceSnapshot: number }[];
}

export interface SnapshotStatus {
  interval: number;
  types: AggregateTypeSnapshotStatus[];
}

/**
 * Per aggregate type, read from aggregate_streams (one row per aggregate, kept by triggers on
 * domain_events and aggregate_snapshots), never by grouping the events themselves. The worst
 * aggregates come from the (aggregate_type, version - snapshot_version) index.
 */
export async function snapshotStatus(
  db: Db,
  options: { interval?: number; worst?: number; types?: readonly string[] } = {},
): Promise<SnapshotStatus> {
  const interval = options.interval ?? DEFAULT_SNAPSHOT_INTERVAL;
  if (!Number.isInteger(interval) || interval < 1)
    throw invalidInput(`Snapshot interval ${interval} is not a positive whole number.`, {
      code: 'snapshots.bad-interval',
    });
  try {
    const { rows } = await db.query(
      `SELECT aggregate_type, count(*)::int AS aggregates,
              percentile_disc(0.5) WITHIN GROUP (ORDER BY version - snapshot_version) AS p50,
              percentile_disc(0.99) WITHIN GROUP (ORDER BY version - snapshot_version) AS p99,
              max(version - snapshot_version) AS max,
              count(*) FILTER (WHERE version - snapshot_version >= $1)::int AS past,
              count(*) FILTER (WHERE snapshot_version = 0)::int AS without
         FROM aggregate_streams
        WHERE $2::text[] IS NULL OR aggregate_type = ANY($2::text[])
        GROUP BY aggregate_type ORDER BY aggregate_type`,
      [interval, options.types?.length ? [...options.types] : null],
    );
    const worstN = options.worst ?? 5;
    const types: AggregateTypeSnapshotStatus[] = [];
    for (const r of rows) {
      const worst =
        worstN > 0 && r.past > 0
          ? (
              await db.query(
                `SELECT aggregate_id, version, snapshot_version FROM aggregate_streams
              WHERE aggregate_type = $1 AND version - snapshot_version >= $2
              ORDER BY aggregate_type, version - snapshot_version DESC LIMIT $3`,
                [r.aggregate_type, interval, worstN],
              )
            ).rows.map((w: any) => ({
              aggregateId: w.aggregate_id,
              version: w.version,
              snapshotVersion: w.snapshot_version,
              eventsSinceSnapshot: w.version - w.snapshot_version,
            }))
          : [];
      types.push({
        aggregateType: r.aggregate_type,
        aggregates: r.aggregates,
        eventsSinceSnapshot: { p50: r.p50, p99: r.p99, max: r.max },
        pastInterval: r.past,
        withoutSnapshot: r.without,
        worst,
      });
    }
    return { interval, types };
  } catch (error) {
    rethrowSchemaMissing(error);
  }
}
