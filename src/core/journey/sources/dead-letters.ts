import { deadLetterStatus, RECOVERED_DEAD_LETTER_STATUS } from '../failure-rules.js';
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
}

function deadLetterItem(row: DeadLetterRow): TimelineItem {
  return {
    at: row.created_at,
    endAt: row.processed_at ?? undefined,
    durationMs: row.processed_at ? row.processed_at.getTime() - row.created_at.getTime() : undefined,
    source: 'dead_letters',
    name: `${row.webhook_type} webhook dead-lettered`,
    status: deadLetterStatus(row.status),
    summary: `${row.status}, retries ${row.retry_count}/${row.max_retries}${row.next_retry_at ? `, next retry ${row.next_retry_at.toISOString()}` : ''}`,
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
      payload: row.payload,
    },
  };
}

const RECOVERED = `'${RECOVERED_DEAD_LETTER_STATUS}'`;

export const deadLetters: DatabaseSource = {
  name: 'dead_letters',
  system: 'database',
  readJourney({ query }, { correlationId, limit }) {
    return readPageWithVerdict(
      query,
      {
        page: `SELECT id, webhook_type, payload, retry_count, max_retries, last_error, status, next_retry_at, created_at, processed_at,
                    1 AS __one
               FROM webhook_dead_letters WHERE correlation_id = $1 ORDER BY created_at, id LIMIT $2`,
        verdict: `SELECT count(*) FILTER (WHERE status <> ${RECOVERED}) AS failures,
                       count(*) FILTER (WHERE status = ${RECOVERED}) AS warnings,
                       min(created_at) FILTER (WHERE status <> ${RECOVERED}) AS first_failure_at
                  FROM webhook_dead_letters WHERE correlation_id = $1`,
        order: 'page.created_at, page.id',
      },
      [correlationId],
      limit,
      deadLetterItem,
    );
  },
  readFailures({ query }, { since, limit }) {
    // webhook_dead_letters_failures_idx: (created_at) WHERE not processed and correlated
    return readLimited(
      query,
      `SELECT correlation_id, created_at, webhook_type, last_error, payload FROM webhook_dead_letters
        WHERE status <> ${RECOVERED} AND created_at >= $1 AND correlation_id IS NOT NULL
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
