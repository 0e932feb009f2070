import type { TriggerClient } from '../../trigger/client.js';
import { FAILED_RUN_STATUSES, type ListedRun, type RetrievedRun } from '../../trigger/schemas.js';
import type { SourceTask } from '../run-sources.js';
import type { ItemStatus, SourceResult, TimelineItem } from '../types.js';

const CORRELATION_TAG_PREFIX = 'corr_';

/** The tag the platform puts on every run it triggers for a journey (Trigger.dev cannot filter on metadata). */
export const correlationTag = (correlationId: string) => `${CORRELATION_TAG_PREFIX}${correlationId}`;

/** The journey a run belongs to, read back from its correlation tag. */
export function correlationIdFromTags(tags: readonly string[]): string | undefined {
  return tags.find((t) => t.startsWith(CORRELATION_TAG_PREFIX))?.slice(CORRELATION_TAG_PREFIX.length);
}

export type TriggerRuns = Pick<TriggerClient, 'listRuns' | 'retrieveRun'>;

/** The Trigger.dev source task: read through the client, or skipped with the reason there is none. */
export function triggerRunsTask<T>(trigger: TriggerRuns | { skipped: string }, read: (client: TriggerRuns, signal: AbortSignal) => Promise<T>): SourceTask<T> {
  return 'skipped' in trigger ? { source: 'trigger_runs', skip: trigger.skipped } : { source: 'trigger_runs', read: (signal) => read(trigger, signal) };
}

function runStatus(run: ListedRun): ItemStatus {
  if (FAILED_RUN_STATUSES.includes(run.status)) return 'failed';
  if (run.status === 'CANCELED') return 'warning';
  if (run.status === 'COMPLETED') return 'ok';
  return 'pending';
}

export async function readTriggerRuns(client: TriggerRuns, correlationId: string, since: Date, limit: number, signal?: AbortSignal): Promise<SourceResult> {
  const listed = await client.listRuns({ tag: correlationTag(correlationId), createdFrom: since, limit }, signal);
  // errors are only on the retrieve endpoint: fetch them for failed runs, in parallel
  const failed = listed.runs.filter((run) => runStatus(run) === 'failed');
  const details = new Map<string, RetrievedRun>();
  await Promise.all(failed.map(async (run) => details.set(run.id, await client.retrieveRun(run.id, signal))));
  const items = listed.runs.map((run): TimelineItem => {
    const detail = details.get(run.id);
    const endAt = run.finishedAt;
    const status = runStatus(run);
    return {
      at: run.createdAt,
      endAt,
      durationMs: endAt ? endAt.getTime() - run.createdAt.getTime() : undefined,
      source: 'trigger_runs',
      name: `task ${run.taskIdentifier}`,
      status,
      summary: `${run.status}${run.startedAt ? `, queued ${run.startedAt.getTime() - run.createdAt.getTime()} ms` : ''}, ran ${run.durationMs} ms${detail && detail.attemptCount > 1 ? `, ${detail.attemptCount} attempts` : ''}`,
      error: status === 'failed' ? (detail?.error ? `${detail.error.name ? `${detail.error.name}: ` : ''}${detail.error.message}` : run.status) : undefined,
      ref: `run ${run.id}`,
      detail: { id: run.id, status: run.status, taskIdentifier: run.taskIdentifier, version: run.version, tags: run.tags, startedAt: run.startedAt, finishedAt: run.finishedAt, durationMs: run.durationMs, costInCents: run.costInCents, attemptCount: detail?.attemptCount,
        // the error's `name` would read as a person's name to the PII masking
        error: detail?.error ? { errorName: detail.error.name, message: detail.error.message, stackTrace: detail.error.stackTrace } : undefined },
    };
  });
  return { items, truncated: listed.truncated, note: `${listed.pages} page${listed.pages === 1 ? '' : 's'}` };
}
