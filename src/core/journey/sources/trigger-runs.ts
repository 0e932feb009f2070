import type { TriggerClient } from '../../trigger/client.js';
import type { ListedRun, RetrievedRun } from '../../trigger/schemas.js';
import { FAILED_RUN_STATUSES } from '../../trigger/statuses.js';
import type { ItemStatus, TimelineItem } from '../types.js';
import type { FailureRow, TriggerSource } from './source.js';

const CORRELATION_TAG_PREFIX = 'corr_';

/** The tag the platform puts on every run it triggers for a journey (Trigger.dev cannot filter on metadata). */
export const correlationTag = (correlationId: string) => `${CORRELATION_TAG_PREFIX}${correlationId}`;

/** The journey a run belongs to, read back from its correlation tag. */
export function correlationIdFromTags(tags: readonly string[]): string | undefined {
  return tags.find((t) => t.startsWith(CORRELATION_TAG_PREFIX))?.slice(CORRELATION_TAG_PREFIX.length);
}

export type TriggerRuns = Pick<TriggerClient, 'listRuns' | 'retrieveRun'>;

const PENDING = new Set(['PENDING_VERSION', 'QUEUED', 'DEQUEUED', 'EXECUTING', 'WAITING', 'DELAYED']);

/** The one rule for a run's status; a status this version does not know is unknown, for that run only. */
export function runStatus(status: string): ItemStatus {
  if ((FAILED_RUN_STATUSES as readonly string[]).includes(status)) return 'failed';
  if (status === 'CANCELED') return 'warning';
  if (status === 'COMPLETED') return 'ok';
  return PENDING.has(status) ? 'pending' : 'unknown';
}

function runItem(run: ListedRun, detail: RetrievedRun | undefined): TimelineItem {
  const endAt = run.finishedAt;
  const status = runStatus(run.status);
  const attempts = detail && detail.attemptCount > 1 ? `, ${detail.attemptCount} attempts` : '';
  return {
    at: run.createdAt,
    endAt,
    durationMs: endAt ? endAt.getTime() - run.createdAt.getTime() : undefined,
    source: 'trigger_runs',
    name: `task ${run.taskIdentifier}`,
    status,
    summary:
      `${run.status}${status === 'unknown' ? ' (a status this version does not know)' : ''}` +
      `${run.startedAt ? `, queued ${run.startedAt.getTime() - run.createdAt.getTime()} ms` : ''}` +
      `, ran ${run.durationMs} ms${attempts}`,
    error:
      status === 'failed'
        ? detail?.error
          ? `${detail.error.name ? `${detail.error.name}: ` : ''}${detail.error.message}`
          : run.status
        : undefined,
    ref: `run ${run.id}`,
    detail: {
      id: run.id,
      status: run.status,
      taskIdentifier: run.taskIdentifier,
      version: run.version,
      tags: run.tags,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      durationMs: run.durationMs,
      costInCents: run.costInCents,
      attemptCount: detail?.attemptCount,
      // the error's `name` would read as a person's name to the PII masking
      error: detail?.error
        ? { errorName: detail.error.name, message: detail.error.message, stackTrace: detail.error.stackTrace }
        : undefined,
    },
  };
}

export const triggerRuns: TriggerSource = {
  name: 'trigger_runs',
  system: 'trigger',
  async readJourney({ client, signal }, { correlationId, since, limit }) {
    const listed = await client.listRuns({ tag: correlationTag(correlationId), createdFrom: since, limit }, signal);
    // errors are only on the retrieve endpoint: fetch them for failed runs, in parallel
    const failed = listed.runs.filter((run) => runStatus(run.status) === 'failed');
    const details = new Map<string, RetrievedRun>();
    await Promise.all(failed.map(async (run) => details.set(run.id, await client.retrieveRun(run.id, signal))));
    const items = listed.runs.map((run) => runItem(run, details.get(run.id)));
    let failures = failed.length;
    let firstFailureAt = failed[0]?.createdAt;
    if (listed.truncated && failures === 0) {
      // the journey goes on past the view: ask for its failed runs alone, so the verdict covers them
      const more = await client.listRuns(
        { tag: correlationTag(correlationId), status: FAILED_RUN_STATUSES, createdFrom: since, limit: 1 },
        signal,
      );
      failures = more.runs.length;
      firstFailureAt = more.runs[0]?.createdAt;
    }
    const warnings = items.filter((item) => item.status === 'warning').length;
    return {
      items,
      truncated: listed.truncated,
      note: `${listed.pages} page${listed.pages === 1 ? '' : 's'}`,
      verdict: { failures, warnings, firstFailureAt },
    };
  },
  async readFailures({ client, signal }, { since, limit }) {
    const listed = await client.listRuns({ status: FAILED_RUN_STATUSES, createdFrom: since, limit }, signal);
    const items: FailureRow[] = [];
    for (const run of listed.runs) {
      const correlationId = correlationIdFromTags(run.tags);
      if (correlationId !== undefined) {
        items.push({
          correlationId,
          at: run.createdAt,
          source: 'trigger_runs',
          step: `task ${run.taskIdentifier}`,
          error: run.status,
        });
      }
    }
    return { items, truncated: listed.truncated };
  },
};
