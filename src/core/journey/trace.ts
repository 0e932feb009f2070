import { createMasker, type Masker } from '../mask/index.js';
import { poolQuery, type RunQuery } from './query.js';
import { isPartial, runSources, type SourceTask } from './run-sources.js';
import { DATABASE_SOURCES, TRIGGER_SOURCE, type DatabaseSource, type TriggerRuns } from './sources/index.js';
import { buildTimeline, type PlacedItem } from './timeline.js';
import type { SourceName, SourceReport, SourceResult, TimelineItem } from './types.js';
import type { Pool } from '../db/index.js';

/** Where the journey tables are read: a pool, or why the database cannot be reached (its sources then fail). */
export type JourneyDatabase = { pool: Pool } | { query: RunQuery } | { unavailable: string };

export interface TraceDeps {
  /**
   * or the promise of it, while it is being opened: Trigger.dev is asked meanwhile, and each
   * database source's deadline starts once the database is there
   */
  database: JourneyDatabase | Promise<JourneyDatabase>;
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
  /** most items read per source (the verdict covers the whole journey regardless) */
  limit: number;
  /** leave PII unmasked (the caller records the access first) */
  showPii?: boolean;
}

/** The verdict over the WHOLE journey in every source that answered, not only the items read. */
export interface JourneyVerdict {
  failed: boolean;
  failures: number;
  warnings: number;
  /** the earliest failure anywhere, and in which source */
  firstFailureAt?: Date;
  firstFailureSource?: SourceName;
  /** a failure exists that the items read do not show (they were cut by the limit) */
  failureBeyondView: boolean;
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
  verdict: JourneyVerdict;
  /** some source had more items than were read */
  truncated: boolean;
  startAt?: Date;
  endAt?: Date;
  spanMs: number;
  /** sources that failed or timed out */
  partial: boolean;
}

export function journeyQuery(database: JourneyDatabase): RunQuery | { unavailable: string } {
  if ('unavailable' in database) return database;
  return 'query' in database ? database.query : poolQuery(database.pool);
}

/**
 * One task per database source: it waits for the database (outside its deadline), then reads
 * through it; a database that cannot be reached fails each of them with the reason.
 */
export function databaseSourceTasks<T>(
  database: JourneyDatabase | Promise<JourneyDatabase>,
  read: (source: DatabaseSource, query: RunQuery) => Promise<T>,
): SourceTask<T>[] {
  const opened = database instanceof Promise ? database.then(journeyQuery) : journeyQuery(database);
  const ready = opened instanceof Promise ? opened : undefined;
  return DATABASE_SOURCES.map((source) => ({
    source: source.name,
    ready,
    read: async () => {
      const query = await opened;
      if (typeof query !== 'function') throw new Error(query.unavailable);
      return read(source, query);
    },
  }));
}

/** The source tasks of one journey: every database source and Trigger.dev, from the registry. */
function journeyTasks(deps: TraceDeps, options: TraceOptions): SourceTask<SourceResult>[] {
  const request = { correlationId: options.correlationId, since: options.since, limit: options.limit };
  const tasks = databaseSourceTasks(deps.database, (source, query) =>
    source.readJourney({ kind: 'database', query }, request),
  );
  const trigger = deps.trigger;
  tasks.push(
    'skipped' in trigger
      ? { source: TRIGGER_SOURCE.name, skip: trigger.skipped }
      : {
          source: TRIGGER_SOURCE.name,
          read: (signal) => TRIGGER_SOURCE.readJourney({ kind: 'trigger', client: trigger, signal }, request),
        },
  );
  return tasks;
}

/** Learns the journey's names (fields and cues) from every item, then masks every text and detail with them. */
export function maskTimelineItems<T extends TimelineItem>(items: readonly T[], masker: Masker = createMasker()): T[] {
  for (const item of items) masker.learn([item.detail, item.name, item.summary, item.error ?? '']);
  return items.map((item) => ({
    ...item,
    name: masker.text(item.name),
    summary: masker.text(item.summary),
    error: item.error === undefined ? undefined : masker.text(item.error),
    detail: masker.value(item.detail) as Record<string, unknown>,
  }));
}

function combineVerdict(outcomes: { report: SourceReport; result?: SourceResult }[]): JourneyVerdict {
  let failures = 0;
  let warnings = 0;
  let firstFailureAt: Date | undefined;
  let firstFailureSource: SourceName | undefined;
  let failureBeyondView = false;
  for (const { report, result } of outcomes) {
    if (!result) continue;
    const shownFailures = result.items.filter((i) => i.status === 'failed').length;
    // a source without a verdict query counts what it read
    const sourceFailures = result.verdict?.failures ?? shownFailures;
    failures += sourceFailures;
    warnings += result.verdict?.warnings ?? result.items.filter((i) => i.status === 'warning').length;
    if (result.truncated && sourceFailures > shownFailures) failureBeyondView = true;
    const at = result.verdict?.firstFailureAt ?? result.items.find((i) => i.status === 'failed')?.at;
    if (sourceFailures > 0 && at && (!firstFailureAt || at < firstFailureAt)) {
      firstFailureAt = at;
      firstFailureSource = report.source;
    }
  }
  return { failed: failures > 0, failures, warnings, firstFailureAt, firstFailureSource, failureBeyondView };
}

/**
 * Reads every source of one journey in parallel (one round trip each) and merges them into one
 * timeline; the verdict comes from each source's whole-journey failure query.
 */
export async function traceJourney(deps: TraceDeps, options: TraceOptions): Promise<Trace> {
  const outcomes = await runSources(journeyTasks(deps, options), options.timeoutMs, {
    signal: deps.signal,
    secrets: deps.secrets,
  });
  const masker = options.showPii ? undefined : createMasker({ keep: [options.correlationId] });
  for (const { report, result } of outcomes) {
    if (result?.verdict)
      Object.assign(report, { failures: result.verdict.failures, warnings: result.verdict.warnings });
    if (report.reason && masker) report.reason = masker.text(report.reason);
  }
  let items: TimelineItem[] = outcomes.flatMap(({ result }) => result?.items ?? []);
  if (masker) items = maskTimelineItems(items, masker);
  const timeline = buildTimeline(items);
  const sources = outcomes.map(({ report }) => report);
  const now = deps.now?.() ?? new Date();
  return {
    correlationId: options.correlationId,
    generatedAt: now,
    searched: { tables: 'all time', triggerRunsFrom: options.since, triggerRunsTo: now },
    piiShown: Boolean(options.showPii),
    sources,
    items: timeline.items,
    firstFailure: timeline.firstFailureIndex === null ? null : timeline.items[timeline.firstFailureIndex]!,
    verdict: combineVerdict(outcomes),
    truncated: sources.some((s) => s.truncated),
    startAt: timeline.startAt,
    endAt: timeline.endAt,
    spanMs: timeline.spanMs,
    partial: isPartial(sources),
  };
}
