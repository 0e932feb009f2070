import { errorFromPayload, FAILURE_EVENT_TYPE } from '../failure-rules.js';
import { readLimited, type RunQuery } from '../query.js';
import type { SourceResult, TimelineItem } from '../types.js';

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
      id: row.id, globalPosition: Number(row.global_position), aggregateId: row.aggregate_id, aggregateType: row.aggregate_type,
      version: row.version, schemaVersion: row.schema_version, causationId: row.causation_id, actor: row.actor,
      payload: row.payload, metadata: row.metadata,
    },
  };
}

export function readDomainEvents(query: RunQuery, correlationId: string, limit: number): Promise<SourceResult> {
  // (correlation_id, occurred_at) is indexed: this is an index range scan in time order
  return readLimited(query,
    `SELECT id, global_position, aggregate_id, aggregate_type, version, event_type, schema_version, payload, metadata,
            causation_id, actor, occurred_at
       FROM domain_events WHERE correlation_id = $1 ORDER BY occurred_at, global_position LIMIT $2`,
    [correlationId], limit, eventItem);
}
