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
    // one pass over the (aggregate_type, version - snapshot_version) index, grouped without a sort:
    // a histogram per type, from which the percentiles are read
    const { rows: histogram } = await db.query(
      `SELECT aggregate_type, version - snapshot_version AS since, count(*)::int AS n,
              count(*) FILTER (WHERE snapshot_version = 0)::int AS without
         FROM aggregate_streams
        WHERE $1::text[] IS NULL OR aggregate_type = ANY($1::text[])
        GROUP BY aggregate_type, version - snapshot_version
        ORDER BY aggregate_type, version - snapshot_version`,
      [options.types?.length ? [...options.types] : null],
    );
    const rows = summarizeHistogram(histogram, interval);
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

interface TypeSummary {
  aggregate_type: string;
  aggregates: number;
  p50: number;
  p99: number;
  max: number;
  past: number;
  without: number;
}

/** percentile_disc over a sorted histogram: the smallest value with at least p of the aggregates at or below it. */
export function summarizeHistogram(
  histogram: readonly { aggregate_type: string; since: number; n: number; without: number }[],
  interval: number,
): TypeSummary[] {
  const byType = new Map<string, { since: number; n: number; without: number }[]>();
  for (const h of histogram) {
    const list = byType.get(h.aggregate_type) ?? [];
    list.push(h);
    byType.set(h.aggregate_type, list);
  }
  return [...byType.entries()].map(([type, buckets]) => {
    buckets.sort((a, b) => a.since - b.since);
    const total = buckets.reduce((sum, b) => sum + b.n, 0);
    const percentile = (p: number) => {
      const rank = Math.max(1, Math.ceil(p * total));
      let seen = 0;
      for (const b of buckets) {
        seen += b.n;
        if (seen >= rank) return b.since;
      }
      return buckets[buckets.length - 1]!.since;
    };
    return {
      aggregate_type: type,
      aggregates: total,
      p50: percentile(0.5),
      p99: percentile(0.99),
      max: buckets[buckets.length - 1]!.since,
      past: buckets.filter((b) => b.since >= interval).reduce((sum, b) => sum + b.n, 0),
      without: buckets.reduce((sum, b) => sum + b.without, 0),
    };
  });
}
