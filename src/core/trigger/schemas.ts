import { z } from 'zod';

/**
 * The parts of Trigger.dev's run objects the trace reads, validated on arrival. The field names
 * and status vocabulary are those of API version 2025-07-16 (see `x-trigger-api-version`); the
 * tests check the local fake against @trigger.dev/core's own schemas so the two cannot drift.
 */
export const runStatus = z.enum([
  'PENDING_VERSION', 'QUEUED', 'DEQUEUED', 'EXECUTING', 'WAITING', 'COMPLETED', 'CANCELED', 'FAILED',
  'CRASHED', 'SYSTEM_FAILURE', 'DELAYED', 'EXPIRED', 'TIMED_OUT',
]);
export type RunStatus = z.infer<typeof runStatus>;

const runFields = {
  id: z.string(),
  // a status outside the known set (a newer API) is kept as text and shown as unknown for that run
  // only: an enum here would reject the whole page and drop every run of the journey
  status: z.string(),
  taskIdentifier: z.string(),
  version: z.string().optional(),
  isFailed: z.boolean(),
  isTest: z.boolean(),
  createdAt: z.coerce.date(),
  updatedAt: z.coerce.date(),
  startedAt: z.coerce.date().optional(),
  finishedAt: z.coerce.date().optional(),
  tags: z.array(z.string()),
  durationMs: z.number(),
  costInCents: z.number(),
};

export const listedRun = z.object(runFields);
export type ListedRun = z.infer<typeof listedRun>;

export const listRunsResponse = z.object({
  data: z.array(listedRun),
  pagination: z.object({ next: z.string().optional(), previous: z.string().optional() }),
});

export const retrievedRun = z.object({
  ...runFields,
  attemptCount: z.number().default(0),
  error: z.object({ message: z.string(), name: z.string().optional(), stackTrace: z.string().optional() }).optional(),
});
export type RetrievedRun = z.infer<typeof retrievedRun>;

/** Statuses after which a run will not succeed: the trace marks them as failures. */
export const FAILED_RUN_STATUSES: readonly RunStatus[] = ['FAILED', 'CRASHED', 'SYSTEM_FAILURE', 'TIMED_OUT', 'EXPIRED'];
