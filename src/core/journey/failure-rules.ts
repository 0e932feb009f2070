/**
 * What counts as a failure in each source. Shared by the timeline (first-failure marking) and the
 * failed-journey listing so both agree.
 */

/** Event types named for a failure: LeadScoringFailed, payment.failed, AppointmentRejected, … */
export const FAILURE_EVENT_TYPE = /(fail(ed|ure)?|error|rejected|timed_?out|dead_?lettered)$/i;
/** the same rule as a PostgreSQL regular expression (case-insensitive match with ~*) */
export const FAILURE_EVENT_TYPE_SQL = '(fail(ed|ure)?|error|rejected|timed_?out|dead_?lettered)$';

export const FAILED_SAGA_STATUSES = ['failed', 'timed_out', 'compensating', 'compensated'] as const;
export const FAILED_INTEGRATION_STATUSES = ['failure', 'timeout'] as const;

/** A failure event's reason, from the usual payload fields. */
export function errorFromPayload(payload: unknown): string | undefined {
  if (!payload || typeof payload !== 'object') return undefined;
  const record = payload as Record<string, unknown>;
  for (const key of ['error', 'reason', 'errorMessage', 'message', 'failureReason']) {
    const value = record[key];
    if (typeof value === 'string' && value) return value;
    if (value && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string') return (value as { message: string }).message;
  }
  return undefined;
}
