/**
 * Trigger.dev run statuses of API version 2025-07-16, without zod: the journey source reads them
 * at every trace, and zod is loaded only when the client itself is (it validates responses).
 */
export const RUN_STATUSES = [
  'PENDING_VERSION',
  'QUEUED',
  'DEQUEUED',
  'EXECUTING',
  'WAITING',
  'COMPLETED',
  'CANCELED',
  'FAILED',
  'CRASHED',
  'SYSTEM_FAILURE',
  'DELAYED',
  'EXPIRED',
  'TIMED_OUT',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Statuses after which a run will not succeed: the trace marks them as failures. */
export const FAILED_RUN_STATUSES: readonly RunStatus[] = [
  'FAILED',
  'CRASHED',
  'SYSTEM_FAILURE',
  'TIMED_OUT',
  'EXPIRED',
];
