import { z } from 'zod';
import { RUN_STATUSES } from './statuses.js';

/**
 * The parts of Trigger.dev's run objects the trace reads, validated on arrival. The field names
 * and status vocabulary are those of API version 2025-07-16 (see `x-trigger-api-version`); the
 * tests check the local fake against @trigger.dev/core's own schemas so the two cannot drift.
 */
export const runStatus = z.enum(RUN_STATUSES);
export { FAILED_RUN_STATUSES, RUN_STATUSES, type RunStatus } from './statuses.js';

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
