import type { Pool } from '../db/index.js';
import { maskTimelineItems } from './mask.js';
import { boundedQuery } from './query.js';
import { isPartial, runSources, type SourceTask } from './run-sources.js';
import { readDeadLetters } from './sources/dead-letters.js';
import { readDomainEvents } from './sources/domain-events.js';
import { readIntegrationLogs } from './sources/integration-logs.js';
import { readLlmUsage } from './sources/llm-usage.js';
import { readSagas } from './sources/sagas.js';
import { readTriggerRuns, triggerRunsTask, type TriggerRuns } from './sources/trigger-runs.js';
import { describeTrace } from './summary.js';
import { buildTimeline, type PlacedItem } from './timeline.js';
import type { SourceReport, SourceResult, TimelineItem } from './types.js';

export interface TraceDeps {
  pool: Pool;
  /** the Trigger.dev client, or why the source is skipped (not configured, no key) */
  trigger: TriggerRuns | { skipped: string };
  signal?: AbortSignal;
  now?: () => Date;
  /** secret values to keep out of error texts */
  secrets?: readonly string[];
}

export interface TraceOptions {
  correlationId: string;
  /** Trigger.dev runs are listed from this time on (its API needs a start; the tables are searched whole) */
  since: Date;
  timeoutMs: number;
  /** most items read per source */
  limit: number;
  /** leave PII unmasked (the caller records the access first) */
  showPii?: boolean;
}

export interface Trace {
  correlationId: string;
  generatedAt: Date;
  /** what was searched, for "nothing found" messages and the report header */
  searched: { tables: 'all time'; triggerRunsFrom: Date; triggerRunsTo: Date };
  piiShown: boolean;
  sources: SourceReport[];
  items: PlacedItem[];
  firstFailure: PlacedItem | null;
  startAt?: Date;
  endAt?: Date;
  spanMs: number;
  /** sources that failed or timed out */
  partial: boolean;
  summary: string;
}

/** Reads every source of one journey in parallel and merges them into one timeline. */
export async function traceJourney(deps: TraceDeps, options: TraceOptions): Promise<Trace> {
  const query = boundedQuery(deps.pool, options.timeoutMs);
  const { correlationId, limit } = options;
  const tasks: SourceTask<SourceResult>[] = [
    { source: 'domain_events', read: () => readDomainEvents(query, correlationId, limit) },
    { source: 'sagas', read: () => readSagas(query, correlationId, limit) },
    { source: 'dead_letters', read: () => readDeadLetters(query, correlationId, limit) },
    { source: 'integration_logs', read: () => readIntegrationLogs(query, correlationId, limit) },
    { source: 'llm_usage', read: () => readLlmUsage(query, correlationId, limit) },
    triggerRunsTask(deps.trigger, (trigger, signal) => readTriggerRuns(trigger, correlationId, options.since, limit, signal)),
  ];
  const outcomes = await runSources(tasks, options.timeoutMs, { signal: deps.signal, secrets: deps.secrets });
  const sources = outcomes.map(({ report }) => report);
  let items: TimelineItem[] = outcomes.flatMap(({ result }) => result?.items ?? []);
  if (!options.showPii) items = maskTimelineItems(items);
  const timeline = buildTimeline(items);
  const now = deps.now?.() ?? new Date();
  const trace: Omit<Trace, 'summary'> = {
    correlationId,
    generatedAt: now,
    searched: { tables: 'all time', triggerRunsFrom: options.since, triggerRunsTo: now },
    piiShown: Boolean(options.showPii),
    sources,
    items: timeline.items,
    firstFailure: timeline.firstFailureIndex === null ? null : timeline.items[timeline.firstFailureIndex]!,
    startAt: timeline.startAt,
    endAt: timeline.endAt,
    spanMs: timeline.spanMs,
    partial: isPartial(sources),
  };
  return { ...trace, summary: describeTrace(trace) };
}
