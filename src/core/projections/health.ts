import type { Pool } from 'pg';
import { rethrowSchemaMissing } from '../errors.js';
import { maskText } from '../mask/index.js';

/** A projection is stale when an event it has not processed is older than this. */
export const PROJECTION_STALE_AFTER_SECONDS = 300;

export type ProjectionState = 'active' | 'paused' | 'rebuilding' | 'failed';
export type ProjectionHealth = 'ok' | 'stale' | 'failed' | 'paused' | 'rebuilding';

export interface ProjectionStatus {
  name: string;
  state: ProjectionState;
  position: number;
  /** the event store's last global position */
  head: number;
  /** positions between the checkpoint and the head (identity gaps from rolled-back appends count too) */
  lagEvents: number;
  /** age of the oldest event the projection has not processed; 0 when caught up */
  lagSeconds: number;
  lastError: string | null;
  updatedAt: string;
  rebuild: { targetPosition: number; startedAt: string | null } | null;
  health: ProjectionHealth;
}

interface Row {
  projection_name: string;
  status: ProjectionState;
  last_position: string;
  head: string;
  oldest_unprocessed_age: number | null;
  error: string | null;
  updated_at: Date;
  rebuild_target_position: string | null;
  rebuild_started_at: Date | null;
}

/**
 * ADR-003's ProjectionHealthMonitor: where each projection stands against the event store. Each
 * projection costs two probes of the global-position index (the head, the first unprocessed event),
 * never a count over the events, so it stays fast at any store size.
 */
export class ProjectionHealthMonitor {
  constructor(
    private readonly db: { query: Pool['query'] },
    private readonly options: { staleAfterSeconds?: number } = {},
  ) {}

  get staleAfterSeconds(): number {
    return this.options.staleAfterSeconds ?? PROJECTION_STALE_AFTER_SECONDS;
  }

  async status(names?: readonly string[]): Promise<ProjectionStatus[]> {
    let rows: Row[];
    try {
      ({ rows } = await this.db.query<Row>(
        `WITH head AS (SELECT coalesce(max(global_position), 0) AS head FROM domain_events)
         SELECT p.projection_name, p.status, p.last_position::text, p.error, p.updated_at,
                p.rebuild_target_position::text, p.rebuild_started_at, h.head::text,
                extract(epoch FROM now() - (SELECT e.occurred_at FROM domain_events e
                                             WHERE e.global_position > p.last_position
                                             ORDER BY e.global_position LIMIT 1))::float8 AS oldest_unprocessed_age
           FROM projection_checkpoints p CROSS JOIN head h
          WHERE $1::text[] IS NULL OR p.projection_name = ANY($1::text[])
          ORDER BY p.projection_name`,
        [names?.length ? [...names] : null],
      ));
    } catch (error) {
      rethrowSchemaMissing(error);
    }
    return rows.map((r) => this.toStatus(r));
  }

  private toStatus(r: Row): ProjectionStatus {
    const position = Number(r.last_position);
    const head = Number(r.head);
    const lagSeconds = Math.max(0, r.oldest_unprocessed_age ?? 0);
    const health: ProjectionHealth =
      r.status === 'failed'
        ? 'failed'
        : r.status === 'paused'
          ? 'paused'
          : r.status === 'rebuilding'
            ? 'rebuilding'
            : lagSeconds > this.staleAfterSeconds
              ? 'stale'
              : 'ok';
    return {
      name: r.projection_name,
      state: r.status,
      position,
      head,
      lagEvents: Math.max(0, head - position),
      lagSeconds,
      // a projector's error often quotes the event it choked on: masked like every other sink
      lastError: r.error === null ? null : maskText(r.error),
      updatedAt: r.updated_at.toISOString(),
      rebuild:
        r.rebuild_target_position === null
          ? null
          : {
              targetPosition: Number(r.rebuild_target_position),
              startedAt: r.rebuild_started_at?.toISOString() ?? null,
            },
      health,
    };
  }
}
