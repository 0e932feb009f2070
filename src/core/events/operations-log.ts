import type { Queryable } from '../journey/writers.js';

/** Who does what to the event store, as one row of event_store_operations. */
export interface OperatorAction {
  /** e.g. 'projection.rebuild', 'projection.pause', 'dlq.replay', 'dlq.discard', 'snapshots.prune' */
  operation: string;
  /** the projection name or the dead letter's id */
  target: string;
  actor: string;
  environment: string;
  outcome: 'succeeded' | 'failed' | 'skipped';
  /** positions, counts, reasons, errors: never a payload */
  details?: Record<string, unknown>;
}

/** Appends one audit row; returns its id for the incident timeline's reference. */
export async function recordOperatorAction(db: Queryable, action: OperatorAction): Promise<number> {
  const { rows } = await db.query(
    `INSERT INTO event_store_operations (operation, target, actor, environment, outcome, details)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [
      action.operation,
      action.target,
      action.actor,
      action.environment,
      action.outcome,
      JSON.stringify(action.details ?? {}),
    ],
  );
  return Number(rows[0].id);
}

/** Who is acting, on which environment: every mutating event-store operation takes this. */
export interface OperatorContext {
  actor: string;
  environment: string;
}
