import { readLimited, type RunQuery } from '../query.js';
import type { ItemStatus, SourceResult, TimelineItem } from '../types.js';

interface IntegrationRow {
  id: string;
  service: string;
  direction: string;
  operation: string;
  status: string;
  http_status: number | null;
  duration_ms: number | null;
  error_code: string | null;
  error_message: string | null;
  request_summary: unknown;
  occurred_at: Date;
}

const STATUS: Record<string, ItemStatus> = { success: 'ok', failure: 'failed', timeout: 'failed', retry: 'warning' };

function integrationItem(row: IntegrationRow): TimelineItem {
  const status = STATUS[row.status] ?? 'warning';
  const error = row.error_code || row.error_message ? [row.error_code, row.error_message].filter(Boolean).join(': ') : undefined;
  return {
    at: row.occurred_at,
    endAt: row.duration_ms !== null ? new Date(row.occurred_at.getTime() + row.duration_ms) : undefined,
    durationMs: row.duration_ms ?? undefined,
    source: 'integration_logs',
    name: `${row.service} ${row.direction} ${row.operation}`,
    status,
    summary: `${row.status}${row.http_status ? ` HTTP ${row.http_status}` : ''}`,
    error: status === 'ok' ? undefined : (error ?? row.status),
    ref: `integration_logs #${row.id}`,
    detail: { id: Number(row.id), service: row.service, direction: row.direction, operation: row.operation, status: row.status, httpStatus: row.http_status, errorCode: row.error_code, errorMessage: row.error_message, requestSummary: row.request_summary },
  };
}

export function readIntegrationLogs(query: RunQuery, correlationId: string, limit: number): Promise<SourceResult> {
  return readLimited(query,
    `SELECT id, service, direction, operation, status, http_status, duration_ms, error_code, error_message, request_summary, occurred_at
       FROM integration_logs WHERE correlation_id = $1 ORDER BY occurred_at, id LIMIT $2`,
    [correlationId], limit, integrationItem);
}
