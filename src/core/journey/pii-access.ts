import type { Queryable } from './writers.js';

export interface PiiAccess {
  actor: string;
  correlationId?: string;
  reason: string;
  /** the command line as typed, without secrets */
  command: string;
}

/** Records who revealed patient data, for which journey and why; done before anything is shown. */
export async function recordPiiAccess(db: Queryable, access: PiiAccess): Promise<{ id: number; occurredAt: Date }> {
  const { rows } = await db.query(
    `INSERT INTO pii_access_log (actor, correlation_id, reason, command) VALUES ($1, $2, $3, $4)
     RETURNING id, occurred_at`,
    [access.actor, access.correlationId ?? null, access.reason, access.command],
  );
  return { id: Number(rows[0].id), occurredAt: rows[0].occurred_at };
}
