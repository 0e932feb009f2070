import { errorFromPayload, FAILURE_EVENT_TYPE, FAILURE_EVENT_TYPE_PREDICATE } from '../failure-rules.js';
import { readLimited, readPageWithVerdict } from '../query.js';
import type { TimelineItem } from '../types.js';
import type { DatabaseSource, FailureRow } from './source.js';

interface EventRow {
  id: string;
  global_position: string;
  aggregate_id: string;
  aggregate_type: string;
  version: number;
  event_type: string;
  schema_version: number;
  payload: unknown;
  metadata: unknown;
  causation_id: string | null;
  actor: string | null;
  occurred_at: Date;
}

function eventItem(row: EventRow): TimelineItem {
  const failed = FAILURE_EVENT_TYPE.test(row.event_type);
  return {
    at: row.occurred_at,
    source: 'domain_events',
    name: row.event_type,
    status: failed ? 'failed' : 'ok',
    summary: `${row.aggregate_type} ${row.aggregate_id} v${row.version}${row.actor ? ` by ${row.actor}` : ''}`,
    error: failed ? (errorFromPayload(row.payload) ?? row.event_type) : undefined,
    ref: `domain_events #${row.global_position}`,
    detail: {
      id: row.id,
      globalPosition: Number(row.global_position),
      aggregateId: row.aggregate_id,
      aggregateType: row.aggregate_type,
      version: row.version,
      schemaVersion: row.schema_version,
      causationId: row.causation_id,
      actor: row.actor,
      payload: row.payload,
      metadata: row.metadata,
    },
  };
}

export const domainEvents: DatabaseSource = {
  name: 'domain_events',
  system: 'database',
  readJourney({ query }, { correlationId, limit }) {
    // the page is a range scan of domain_events_correlation_idx in time order; the verdict reads
    // only the journey's failure events through domain_events_failures_by_journey_idx
    return readPageWithVerdict(
      query,
      {
        page: `SELECT id, global_position, aggregate_id, aggregate_type, version, event_type, schema_version, payload,
                      metadata,
                    causation_id, actor, occurred_at, 1 AS __one
               FROM domain_events WHERE correlation_id = $1 ORDER BY occurred_at, global_position LIMIT $2`,
        verdict: `SELECT count(*) AS failures, 0 AS warnings, min(occurred_at) AS first_failure_at
                  FROM domain_events WHERE correlation_id = $1 AND ${FAILURE_EVENT_TYPE_PREDICATE}`,
        order: 'page.occurred_at, page.global_position',
      },
      [correlationId],
      limit,
      eventItem,
    );
  },
  readFailures({ query }, { since, limit }) {
    // domain_events_failures_idx: (occurred_at) WHERE the failure predicate
    return readLimited(
      query,
      `SELECT correlation_id, occurred_at, event_type, payload FROM domain_events
        WHERE ${FAILURE_EVENT_TYPE_PREDICATE} AND occurred_at >= $1 AND correlation_id IS NOT NULL
        ORDER BY occurred_at DESC LIMIT $2`,
      [since],
      limit,
      (r: EventRow & { correlation_id: string }): FailureRow => ({
        correlationId: r.correlation_id,
        at: r.occurred_at,
        source: 'domain_events',
        step: r.event_type,
        error: errorFromPayload(r.payload),
        context: r.payload,
      }),
    );
  },
};
