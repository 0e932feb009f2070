/**
 * What counts as a failure and as a warning in each source: the ONE definition shared by the
 * timeline (item status, first failure), the whole-journey verdict queries and `--failed`, so a
 * journey the failed list shows is one its trace calls failed, and the other way round.
 */
import type { ItemStatus } from './types.js';

/** Event types named for a failure: LeadScoringFailed, payment.failed, AppointmentRejected, … */
export const FAILURE_EVENT_TYPE = /(fail(ed|ure)?|error|rejected|timed_?out|dead_?lettered)$/i;
/**
 * The same rule as a PostgreSQL predicate. Written as a literal (not a parameter) so the planner
 * matches it to the partial indexes of migration 20251201000200.
 */
export const FAILURE_EVENT_TYPE_PREDICATE = "event_type ~* '(fail(ed|ure)?|error|rejected|timed_?out|dead_?lettered)$'";

/** A saga that ended badly is a failure; one that compensated undid its work cleanly: a warning. */
export const FAILED_SAGA_STATUSES = ['failed', 'timed_out'] as const;
export const WARNING_SAGA_STATUSES = ['compensating', 'compensated'] as const;

/**
 * A dead letter is a failure until a retry processed it (the journey recovered) or an operator
 * discarded it (`dlq discard --reason`: a decision, recorded with who and why). Both are warnings.
 */
export const RECOVERED_DEAD_LETTER_STATUS = 'processed';
export const DISCARDED_DEAD_LETTER_STATUS = 'discarded';
export const SETTLED_DEAD_LETTER_STATUSES = [RECOVERED_DEAD_LETTER_STATUS, DISCARDED_DEAD_LETTER_STATUS] as const;
/**
 * The same rule as a PostgreSQL predicate, written as literals so the planner matches it to the
 * partial index of migration 20251201000202 (`status <> 'processed'` is implied by it).
 */
export const FAILED_DEAD_LETTER_PREDICATE = SETTLED_DEAD_LETTER_STATUSES.map((s) => `status <> '${s}'`).join(' AND ');

export const FAILED_INTEGRATION_STATUSES = ['failure', 'timeout'] as const;
export const WARNING_INTEGRATION_STATUSES = ['retry'] as const;

export function sagaStatus(status: string): ItemStatus {
  if ((FAILED_SAGA_STATUSES as readonly string[]).includes(status)) return 'failed';
  if ((WARNING_SAGA_STATUSES as readonly string[]).includes(status)) return 'warning';
  return status === 'completed' ? 'ok' : 'pending';
}

/** A step of a saga: its failure is the journey's only when the saga itself failed (else it recovered). */
export function sagaStepStatus(stepStatus: string | undefined, sagaFailed: boolean): ItemStatus {
  if (!stepStatus) return 'ok';
  if (/fail|timed_?out|error/i.test(stepStatus)) return sagaFailed ? 'failed' : 'warning';
  if (/compensat|retry|skipped/i.test(stepStatus)) return 'warning';
  if (/start|running|pending/i.test(stepStatus)) return 'pending';
  return 'ok';
}

export function deadLetterStatus(status: string): ItemStatus {
  return (SETTLED_DEAD_LETTER_STATUSES as readonly string[]).includes(status) ? 'warning' : 'failed';
}

export function integrationStatus(status: string): ItemStatus {
  if ((FAILED_INTEGRATION_STATUSES as readonly string[]).includes(status)) return 'failed';
  return status === 'success' ? 'ok' : 'warning';
}

/** A failure event's reason, from the usual payload fields. */
export function errorFromPayload(payload: unknown): string | undefined {
  if (!payload || typeof payload !== 'object') return undefined;
  const record = payload as Record<string, unknown>;
  for (const key of ['error', 'reason', 'errorMessage', 'message', 'failureReason']) {
    const value = record[key];
    if (typeof value === 'string' && value) return value;
    if (value && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string') {
      return (value as { message: string }).message;
    }
  }
  return undefined;
}
