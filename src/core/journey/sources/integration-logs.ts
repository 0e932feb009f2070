import { FAILED_INTEGRATION_STATUSES, integrationStatus, WARNING_INTEGRATION_STATUSES } from '../failure-rules.js';
import { readLimited, readPageWithVerdict } from '../query.js';
import type { TimelineItem } from '../types.js';
import type { DatabaseSource, FailureRow } from './source.js';

interface IntegrationRow {
  id: string;
  correlation_id: string;
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

function integrationItem(row: IntegrationRow): TimelineItem {
  const status = integrationStatus(row.status);
  const error =
    row.error_code || row.error_message ? [row.error_code, row.error_message].filter(Boolean).join(': ') : undefined;
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
    detail: {
      id: Number(row.id),
      service: row.service,
      direction: row.direction,
      operation: row.operation,
      status: row.status,
      httpStatus: row.http_status,
      errorCode: row.error_code,
      errorMessage: row.error_message,
      requestSummary: row.request_summary,
    },
  };
}

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
const FAILED = list(FAILED_INTEGRATION_STATUSES);
const WARNING = list(WARNING_INTEGRATION_STATUSES);

export const integrationLogs: DatabaseSource = {
  name: 'integration_logs',
  system: 'database',
  readJourney({ query }, { correlationId, limit }) {
    // the verdict reads integration_logs_unsuccessful_by_journey_idx: (correlation_id) WHERE status <> 'success'
    return readPageWithVerdict(
      query,
      {
        page: `SELECT id, service, direction, operation, status, http_status, duration_ms, error_code, error_message,
                      request_summary,
                    occurred_at, 1 AS __one
               FROM integration_logs WHERE correlation_id = $1 ORDER BY occurred_at, id LIMIT $2`,
        verdict: `SELECT count(*) FILTER (WHERE status IN (${FAILED})) AS failures,
                       count(*) FILTER (WHERE status IN (${WARNING})) AS warnings,
                       min(occurred_at) FILTER (WHERE status IN (${FAILED})) AS first_failure_at
                  FROM integration_logs WHERE correlation_id = $1 AND status <> 'success'`,
        order: 'page.occurred_at, page.id',
      },
      [correlationId],
      limit,
      integrationItem,
    );
  },
  readFailures({ query }, { since, limit }) {
    // integration_logs_failures_idx: (occurred_at) WHERE status <> 'success'
    return readLimited(
      query,
      `SELECT correlation_id, occurred_at, service, direction, operation, error_code, error_message, status
         FROM integration_logs
        WHERE status <> 'success' AND status IN (${FAILED}) AND occurred_at >= $1 AND correlation_id IS NOT NULL
        ORDER BY occurred_at DESC LIMIT $2`,
      [since],
      limit,
      (r: IntegrationRow): FailureRow => ({
        correlationId: r.correlation_id,
        at: r.occurred_at,
        source: 'integration_logs',
        step: `${r.service} ${r.direction} ${r.operation}`,
        error: [r.error_code, r.error_message].filter(Boolean).join(': ') || r.status,
      }),
    );
  },
};
