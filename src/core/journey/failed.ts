import type { Pool } from '../db/index.js';
import { FAILED_RUN_STATUSES } from '../trigger/schemas.js';
import { maskPiiText } from '../redact.js';
import { errorFromPayload, FAILED_INTEGRATION_STATUSES, FAILED_SAGA_STATUSES, FAILURE_EVENT_TYPE_SQL } from './failure-rules.js';
import { boundedQuery, readLimited, type LimitedRows } from './query.js';
import { isPartial, runSources, type SourceTask } from './run-sources.js';
import { correlationIdFromTags, triggerRunsTask, type TriggerRuns } from './sources/trigger-runs.js';
import type { SourceName, SourceReport } from './types.js';

/** A row of any failure query; each source's mapper knows its columns. */
type Row = Record<string, unknown>;

/** One failure seen in the window. */
interface FailureRow {
  correlationId: string;
  at: Date;
  source: SourceName;
  step: string;
  error?: string;
}

export interface FailedJourney {
  correlationId: string;
  /** the journey's first failure in the window */
  failedAt: Date;
  source: SourceName;
  step: string;
  error?: string;
  lastFailureAt: Date;
  failures: number;
}

export interface FailedJourneysReport {
  from: Date;
  to: Date;
  sources: SourceReport[];
  journeys: FailedJourney[];
  partial: boolean;
}

export interface FailedJourneysDeps {
  pool: Pool;
  trigger: TriggerRuns | { skipped: string };
  signal?: AbortSignal;
  now?: () => Date;
  secrets?: readonly string[];
}

export interface FailedJourneysOptions {
  since: Date;
  timeoutMs: number;
  /** most failures read per source */
  limit: number;
  showPii?: boolean;
}

/**
 * Correlation IDs whose journeys failed in the window, newest first. Each source is asked only
 * for its failures, through indexes that reach them without scanning the journey tables.
 */
export async function listFailedJourneys(deps: FailedJourneysDeps, options: FailedJourneysOptions): Promise<FailedJourneysReport> {
  const query = boundedQuery(deps.pool, options.timeoutMs);
  const since = options.since;
  const to = deps.now?.() ?? new Date();
  const { limit } = options;
  const tasks: SourceTask<LimitedRows<FailureRow>>[] = [
    {
      source: 'domain_events',
      // the failure event types are found with a loose index scan over (event_type, occurred_at);
      // each is then a range scan of the window on the same index
      read: () => readLimited(query,
        `WITH RECURSIVE types(event_type) AS (
           (SELECT event_type FROM domain_events ORDER BY event_type LIMIT 1)
           UNION ALL
           SELECT (SELECT d.event_type FROM domain_events d WHERE d.event_type > t.event_type ORDER BY d.event_type LIMIT 1)
             FROM types t WHERE t.event_type IS NOT NULL)
         SELECT e.correlation_id, e.occurred_at, e.event_type, e.payload
           FROM types t
           JOIN LATERAL (SELECT correlation_id, occurred_at, event_type, payload FROM domain_events d
                          WHERE d.event_type = t.event_type AND d.occurred_at >= $1) e ON true
          WHERE t.event_type ~* $2
          ORDER BY e.occurred_at DESC LIMIT $3`,
        [since, FAILURE_EVENT_TYPE_SQL], limit,
        (r: Row): FailureRow => ({ correlationId: r.correlation_id as string, at: r.occurred_at as Date, source: 'domain_events', step: r.event_type as string, error: errorFromPayload(r.payload) })),
    },
    {
      source: 'sagas',
      read: () => readLimited(query,
        `SELECT correlation_id, updated_at, saga_type, status, current_step, error FROM saga_store
          WHERE status = ANY($1) AND updated_at >= $2 ORDER BY updated_at DESC LIMIT $3`,
        [FAILED_SAGA_STATUSES, since], limit,
        (r: Row): FailureRow => ({ correlationId: r.correlation_id as string, at: r.updated_at as Date, source: 'sagas', step: `${r.saga_type} ${r.status}${r.current_step ? ` at ${r.current_step}` : ''}`, error: (r.error as string | null) ?? undefined })),
    },
    {
      source: 'dead_letters',
      read: () => readLimited(query,
        `SELECT correlation_id, created_at, webhook_type, last_error FROM webhook_dead_letters
          WHERE created_at >= $1 AND correlation_id IS NOT NULL ORDER BY created_at DESC LIMIT $2`,
        [since], limit,
        (r: Row): FailureRow => ({ correlationId: r.correlation_id as string, at: r.created_at as Date, source: 'dead_letters', step: `${r.webhook_type} webhook dead-lettered`, error: (r.last_error as string | null) ?? undefined })),
    },
    {
      source: 'integration_logs',
      // integration_logs_failures_idx: (occurred_at) WHERE status <> 'success'
      read: () => readLimited(query,
        `SELECT correlation_id, occurred_at, service, direction, operation, error_code, error_message, status FROM integration_logs
          WHERE status <> 'success' AND status = ANY($1) AND occurred_at >= $2 AND correlation_id IS NOT NULL
          ORDER BY occurred_at DESC LIMIT $3`,
        [FAILED_INTEGRATION_STATUSES, since], limit,
        (r: Row): FailureRow => ({ correlationId: r.correlation_id as string, at: r.occurred_at as Date, source: 'integration_logs', step: `${r.service} ${r.direction} ${r.operation}`, error: [r.error_code, r.error_message].filter(Boolean).join(': ') || (r.status as string) })),
    },
    {
      source: 'llm_usage',
      read: () => readLimited(query,
        `SELECT correlation_id, occurred_at, provider, model, operation FROM llm_usage_logs
          WHERE occurred_at >= $1 AND NOT success AND correlation_id IS NOT NULL ORDER BY occurred_at DESC LIMIT $2`,
        [since], limit,
        (r: Row): FailureRow => ({ correlationId: r.correlation_id as string, at: r.occurred_at as Date, source: 'llm_usage', step: `${r.provider} ${r.model} ${r.operation}`, error: 'call failed' })),
    },
    triggerRunsTask(deps.trigger, async (trigger, signal) => {
      const listed = await trigger.listRuns({ status: FAILED_RUN_STATUSES, createdFrom: since, limit }, signal);
      const items: FailureRow[] = [];
      for (const run of listed.runs) {
        const correlationId = correlationIdFromTags(run.tags);
        if (correlationId !== undefined) items.push({ correlationId, at: run.createdAt, source: 'trigger_runs', step: `task ${run.taskIdentifier}`, error: run.status });
      }
      return { items, truncated: listed.truncated };
    }),
  ];
  const outcomes = await runSources(tasks, options.timeoutMs, { signal: deps.signal, secrets: deps.secrets });
  const sources = outcomes.map(({ report }) => report);
  const byJourney = new Map<string, FailedJourney>();
  const failures = outcomes.flatMap(({ result }) => result?.items ?? []).sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const failure of failures) {
    const seen = byJourney.get(failure.correlationId);
    if (seen) {
      seen.failures++;
      seen.lastFailureAt = failure.at;
    } else {
      const error = failure.error && !options.showPii ? maskPiiText(failure.error) : failure.error;
      byJourney.set(failure.correlationId, { correlationId: failure.correlationId, failedAt: failure.at, source: failure.source, step: failure.step, error, lastFailureAt: failure.at, failures: 1 });
    }
  }
  const journeys = [...byJourney.values()].sort((a, b) => b.failedAt.getTime() - a.failedAt.getTime());
  return { from: since, to, sources, journeys, partial: isPartial(sources) };
}
