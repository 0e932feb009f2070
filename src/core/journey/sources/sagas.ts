import { FAILED_SAGA_STATUSES } from '../failure-rules.js';
import { readLimited, type RunQuery } from '../query.js';
import type { ItemStatus, SourceResult, TimelineItem } from '../types.js';

interface SagaRow {
  saga_id: string;
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

function stepStatus(status: string | undefined): ItemStatus {
  if (!status) return 'ok';
  if (/fail|timed_?out|error/i.test(status)) return 'failed';
  if (/compensat|retry|skipped/i.test(status)) return 'warning';
  if (/start|running|pending/i.test(status)) return 'pending';
  return 'ok';
}

/** A saga's start, each step of its history, and its end when it has one. */
function sagaItems(row: SagaRow): TimelineItem[] {
  const items: TimelineItem[] = [];
  const ref = `saga_store ${row.saga_id}`;
  const endAt = row.completed_at ?? (TERMINAL.has(row.status) ? row.updated_at : undefined);
  items.push({
    at: row.started_at,
    endAt,
    durationMs: endAt ? endAt.getTime() - row.started_at.getTime() : undefined,
    source: 'sagas',
    name: `${row.saga_type} started`,
    status: 'ok',
    summary: `saga ${row.saga_id}, now ${row.status}${row.current_step ? ` at step ${row.current_step}` : ''}`,
    ref,
    detail: { sagaId: row.saga_id, sagaType: row.saga_type, status: row.status, currentStep: row.current_step, state: row.state, timeoutAt: row.timeout_at },
  });
  const history = Array.isArray(row.step_history) ? (row.step_history as StepEntry[]) : [];
  for (const entry of history) {
    const when = entry.at ?? entry.timestamp;
    const at = when ? new Date(when) : undefined;
    if (!at || Number.isNaN(at.getTime())) continue;
    const step = entry.step ?? entry.name ?? '?';
    const status = stepStatus(entry.status);
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
    const failed = (FAILED_SAGA_STATUSES as readonly string[]).includes(row.status);
    items.push({
      at: row.completed_at ?? row.updated_at,
      source: 'sagas',
      name: `${row.saga_type} ${row.status}`,
      status: row.status === 'completed' ? 'ok' : failed && row.status !== 'compensated' && row.status !== 'compensating' ? 'failed' : 'warning',
      summary: `saga ${row.status}${row.current_step ? ` at step ${row.current_step}` : ''}`,
      error: row.error ?? undefined,
      ref,
      detail: { sagaId: row.saga_id, status: row.status, error: row.error },
    });
  }
  return items;
}

export async function readSagas(query: RunQuery, correlationId: string, limit: number): Promise<SourceResult> {
  // the limit counts sagas, not the items each one expands to
  const { items, truncated } = await readLimited(query,
    `SELECT saga_id, saga_type, status, current_step, state, step_history, started_at, updated_at, completed_at, timeout_at, error
       FROM saga_store WHERE correlation_id = $1 ORDER BY started_at LIMIT $2`,
    [correlationId], limit, sagaItems);
  return { items: items.flat(), truncated };
}
