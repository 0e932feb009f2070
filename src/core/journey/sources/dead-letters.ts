import { deadLetterStatus, DISCARDED_DEAD_LETTER_STATUS, FAILED_DEAD_LETTER_PREDICATE } from '../failure-rules.js';
import { readLimited, readPageWithVerdict } from '../query.js';
import type { TimelineItem } from '../types.js';
import type { DatabaseSource, FailureRow } from './source.js';

interface DeadLetterRow {
  id: string;
  correlation_id: string;
  webhook_type: string;
  payload: unknown;
  retry_count: number;
  max_retries: number;
  last_error: string | null;
  status: string;
  next_retry_at: Date | null;
  created_at: Date;
  processed_at: Date | null;
  /** from the `dlq discard` audit row, when discarded */
  discarded_by: string | null;
  discard_reason: string | null;
  discarded_at: Date | null;
}

/** "discarded by alice@oncall: duplicate, INC-42": the operator's decision, shown with the letter. */
function statusText(row: DeadLetterRow): string {
  if (row.status !== DISCARDED_DEAD_LETTER_STATUS) return row.status;
  const who = row.discarded_by ? ` by ${row.discarded_by}` : '';
  return `discarded${who}${row.discard_reason ? `: ${row.discard_reason}` : ''}`;
}

function deadLetterItem(row: DeadLetterRow): TimelineItem {
  return {
    at: row.created_at,
    endAt: row.processed_at ?? undefined,
    durationMs: row.processed_at ? row.processed_at.getTime() - row.created_at.getTime() : undefined,
    source: 'dead_letters',
    name: `${row.webhook_type} webhook dead-lettered`,
    status: deadLetterStatus(row.status),
    summary:
      `${statusText(row)}, retries ${row.retry_count}/${row.max_retries}` +
      (row.next_retry_at ? `, next retry ${row.next_retry_at.toISOString()}` : ''),
    error: row.last_error ?? 'dead-lettered',
    ref: `webhook_dead_letters ${row.id}`,
    detail: {
      id: row.id,
      webhookType: row.webhook_type,
      status: row.status,
      retryCount: row.retry_count,
      maxRetries: row.max_retries,
      nextRetryAt: row.next_retry_at,
      processedAt: row.processed_at,
      ...(row.status === DISCARDED_DEAD_LETTER_STATUS
        ? { discardedBy: row.discarded_by, discardReason: row.discard_reason, discardedAt: row.discarded_at }
        : {}),
      payload: row.payload,
    },
  };
}

const FAILED = FAILED_DEAD_LETTER_PREDICATE;

export const deadLetters: DatabaseSource = {
  name: 'dead_letters',
  system: 'database',
  readJourney({ query }, { correlationId, limit }) {
    return readPageWithVerdict(
      query,
      {
        // a discarded letter carries its `dlq discard` audit row's actor and reason (target index)
        page: `SELECT d.id, d.webhook_type, d.payload, d.retry_count, d.max_retries, d.last_error, d.status,
                      d.next_retry_at, d.created_at, d.processed_at,
                      op.actor AS discarded_by, op.reason AS discard_reason, op.at AS discarded_at, 1 AS __one
                 FROM webhook_dead_letters d
                 LEFT JOIN LATERAL (
                   SELECT o.actor, o.details->>'reason' AS reason, o.at FROM event_store_operations o
                    WHERE d.status = '${DISCARDED_DEAD_LETTER_STATUS}' AND o.target = d.id::text
                      AND o.operation = 'dlq.discard'
                    ORDER BY o.at DESC LIMIT 1
                 ) op ON true
                WHERE d.correlation_id = $1 ORDER BY d.created_at, d.id LIMIT $2`,
        verdict: `SELECT count(*) FILTER (WHERE ${FAILED}) AS failures,
                       count(*) FILTER (WHERE NOT (${FAILED})) AS warnings,
                       min(created_at) FILTER (WHERE ${FAILED}) AS first_failure_at
                  FROM webhook_dead_letters WHERE correlation_id = $1`,
        order: 'page.created_at, page.id',
      },
      [correlationId],
      limit,
      deadLetterItem,
    );
  },
  readFailures({ query }, { since, limit }) {
    // webhook_dead_letters_failures_idx: (created_at) WHERE not processed and correlated; a
    // discarded letter is in the index but not a failure (the rule above), filtered on the way
    return readLimited(
      query,
      `SELECT correlation_id, created_at, webhook_type, last_error, payload FROM webhook_dead_letters
        WHERE ${FAILED} AND created_at >= $1 AND correlation_id IS NOT NULL
        ORDER BY created_at DESC LIMIT $2`,
      [since],
      limit,
      (r: DeadLetterRow): FailureRow => ({
        correlationId: r.correlation_id,
        at: r.created_at,
        source: 'dead_letters',
        step: `${r.webhook_type} webhook dead-lettered`,
        error: r.last_error ?? undefined,
        context: r.payload,
      }),
    );
  },
};
