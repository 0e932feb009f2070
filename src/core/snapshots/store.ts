import type { Queryable } from '../journey/writers.js';
import { invalidInput } from '../errors.js';

/** ADR-003 §2.1: snapshot an aggregate every this many events. */
export const DEFAULT_SNAPSHOT_INTERVAL = 100;

/** The interval rule: a new snapshot is due once `interval` events have been appended since the last one. */
export function snapshotDue(
  version: number,
  lastSnapshotVersion: number,
  interval = DEFAULT_SNAPSHOT_INTERVAL,
): boolean {
  if (!Number.isInteger(interval) || interval < 1)
    throw invalidInput(`Snapshot interval ${interval} is not a positive whole number.`, {
      code: 'snapshots.bad-interval',
    });
  return version - lastSnapshotVersion >= interval;
}

export interface Snapshot<State = unknown> {
  aggregateId: string;
  aggregateType: string;
  version: number;
  state: State;
  createdAt: string;
}

/** Where aggregates keep their snapshots (aggregate_snapshots): load the newest, replay only what follows. */
export class SnapshotStore {
  constructor(
    private readonly db: Queryable,
    readonly interval = DEFAULT_SNAPSHOT_INTERVAL,
  ) {}

  async latest<State>(aggregateId: string): Promise<Snapshot<State> | undefined> {
    const { rows } = await this.db.query(
      `SELECT aggregate_id, aggregate_type, version, state, created_at FROM aggregate_snapshots
        WHERE aggregate_id = $1 ORDER BY version DESC LIMIT 1`,
      [aggregateId],
    );
    const r = rows[0];
    return r
      ? {
          aggregateId: r.aggregate_id,
          aggregateType: r.aggregate_type,
          version: r.version,
          state: r.state,
          createdAt: r.created_at.toISOString(),
        }
      : undefined;
  }

  async save(snapshot: Omit<Snapshot, 'createdAt'>): Promise<void> {
    await this.db.query(
      `INSERT INTO aggregate_snapshots (aggregate_id, aggregate_type, version, state) VALUES ($1, $2, $3, $4)
       ON CONFLICT (aggregate_id, version) DO UPDATE SET state = EXCLUDED.state, created_at = now()`,
      [snapshot.aggregateId, snapshot.aggregateType, snapshot.version, JSON.stringify(snapshot.state)],
    );
  }

  /** Saves the snapshot when the interval rule says one is due; returns whether it did. */
  async saveIfDue(snapshot: Omit<Snapshot, 'createdAt'>, lastSnapshotVersion: number): Promise<boolean> {
    if (!snapshotDue(snapshot.version, lastSnapshotVersion, this.interval)) return false;
    await this.save(snapshot);
    return true;
  }
}
