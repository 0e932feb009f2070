import { readLimited, type RunQuery } from '../query.js';
import type { SourceResult, TimelineItem } from '../types.js';

interface DeadLetterRow {
  id: string;
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
    // a dead letter is a failure even when a retry later processed it: the journey broke here
    status: row.status === 'processed' ? 'warning' : 'failed',
    summary: `${row.status}, retries ${row.retry_count}/${row.max_retries}${row.next_retry_at ? `, next retry ${row.next_retry_at.toISOString()}` : ''}`,
    error: row.last_error ?? 'dead-lettered',
    ref: `webhook_dead_letters ${row.id}`,
    detail: { id: row.id, webhookType: row.webhook_type, status: row.status, retryCount: row.retry_count, maxRetries: row.max_retries, nextRetryAt: row.next_retry_at, processedAt: row.processed_at, payload: row.payload },
  };
}

export function readDeadLetters(query: RunQuery, correlationId: string, limit: number): Promise<SourceResult> {
  return readLimited(query,
    `SELECT id, webhook_type, payload, retry_count, max_retries, last_error, status, next_retry_at, created_at, processed_at
       FROM webhook_dead_letters WHERE correlation_id = $1 ORDER BY created_at LIMIT $2`,
    [correlationId], limit, deadLetterItem);
}
