import { FAILED_SAGA_STATUSES, sagaStatus, sagaStepStatus, WARNING_SAGA_STATUSES } from '../failure-rules.js';
import { readLimited, readPageWithVerdict } from '../query.js';
import type { TimelineItem } from '../types.js';
import type { DatabaseSource, FailureRow } from './source.js';

interface SagaRow {
  saga_id: string;
  correlation_id: string;
  saga_type: string;
  status: string;
  current_step: string | null;
  state: unknown;
  step_history: unknown;
  started_at: Date;
  updated_at: Date;
  completed_at: Date | null;
  timeout_at: Date | null;
  error: string | null;
}

/** A step_history entry as the core writer records it; older rows may carry other fields. */
interface StepEntry {
  step?: string;
  name?: string;
  status?: string;
  at?: string;
  timestamp?: string;
  durationMs?: number;
  error?: string;
}

const TERMINAL = new Set(['completed', 'failed', 'compensated', 'timed_out']);

/** A saga's start, each step of its history, and its end when it has one. */
function sagaItems(row: SagaRow): TimelineItem[] {
  const items: TimelineItem[] = [];
  const ref = `saga_store ${row.saga_id}`;
  const endAt = row.completed_at ?? (TERMINAL.has(row.status) ? row.updated_at : undefined);
  const sagaFailed = sagaStatus(row.status) === 'failed';
  items.push({
    at: row.started_at,
    endAt,
    durationMs: endAt ? endAt.getTime() - row.started_at.getTime() : undefined,
    source: 'sagas',
    name: `${row.saga_type} started`,
    status: 'ok',
    summary: `saga ${row.saga_id}, now ${row.status}${row.current_step ? ` at step ${row.current_step}` : ''}`,
    ref,
    detail: {
      sagaId: row.saga_id,
      sagaType: row.saga_type,
      status: row.status,
      currentStep: row.current_step,
      state: row.state,
      timeoutAt: row.timeout_at,
    },
  });
  const history = Array.isArray(row.step_history) ? (row.step_history as StepEntry[]) : [];
  for (const entry of history) {
    const when = entry.at ?? entry.timestamp;
    const at = when ? new Date(when) : undefined;
    if (!at || Number.isNaN(at.getTime())) continue;
    const step = entry.step ?? entry.name ?? '?';
    const status = sagaStepStatus(entry.status, sagaFailed);
    items.push({
      at,
      endAt: entry.durationMs !== undefined ? new Date(at.getTime() + entry.durationMs) : undefined,
      durationMs: entry.durationMs,
      source: 'sagas',
      name: `${row.saga_type} step ${step}`,
      status,
      summary: `step ${step} ${entry.status ?? ''}`.trim(),
      error: status === 'failed' ? (entry.error ?? `step ${step} ${entry.status}`) : entry.error,
      ref,
      detail: { ...entry },
    });
  }
  if (TERMINAL.has(row.status) || row.status === 'compensating') {
    items.push({
      at: row.completed_at ?? row.updated_at,
      source: 'sagas',
      name: `${row.saga_type} ${row.status}`,
      status: sagaStatus(row.status),
      summary: `saga ${row.status}${row.current_step ? ` at step ${row.current_step}` : ''}`,
      error: row.error ?? undefined,
      ref,
      detail: { sagaId: row.saga_id, status: row.status, error: row.error },
    });
  }
  return items;
}

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
const FAILED = list(FAILED_SAGA_STATUSES);
const WARNING = list(WARNING_SAGA_STATUSES);

export const sagas: DatabaseSource = {
  name: 'sagas',
  system: 'database',
  async readJourney({ query }, { correlationId, limit }) {
    // the limit counts sagas, not the items each one expands to
    const { items, truncated, verdict } = await readPageWithVerdict(
      query,
      {
        page: `SELECT saga_id, saga_type, status, current_step, state, step_history, started_at, updated_at,
                      completed_at, timeout_at,
                    error, 1 AS __one
               FROM saga_store WHERE correlation_id = $1 ORDER BY started_at, saga_id LIMIT $2`,
        verdict: `SELECT count(*) FILTER (WHERE status IN (${FAILED})) AS failures,
                       count(*) FILTER (WHERE status IN (${WARNING})) AS warnings,
                       min(COALESCE(completed_at, updated_at)) FILTER (WHERE status IN (${FAILED})) AS first_failure_at
                  FROM saga_store WHERE correlation_id = $1`,
        order: 'page.started_at, page.saga_id',
      },
      [correlationId],
      limit,
      sagaItems,
    );
    return { items: items.flat(), truncated, verdict };
  },
  readFailures({ query }, { since, limit }) {
    // saga_store_status_updated_idx: (status, updated_at)
    return readLimited(
      query,
      `SELECT correlation_id, updated_at, saga_type, status, current_step, error, state FROM saga_store
        WHERE status IN (${FAILED}) AND updated_at >= $1 ORDER BY updated_at DESC LIMIT $2`,
      [since],
      limit,
      (r: SagaRow): FailureRow => ({
        correlationId: r.correlation_id,
        at: r.updated_at,
        source: 'sagas',
        step: `${r.saga_type} ${r.status}${r.current_step ? ` at ${r.current_step}` : ''}`,
        error: r.error ?? undefined,
        context: r.state,
      }),
    );
  },
};
