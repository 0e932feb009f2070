import { createMasker } from '../mask/index.js';
import { isPartial, runSources, type SourceTask } from './run-sources.js';
import { TRIGGER_SOURCE, type FailureRow, type TriggerRuns } from './sources/index.js';
import { databaseSourceTasks, type JourneyDatabase } from './trace.js';
import type { LimitedRows } from './query.js';
import type { SourceName, SourceReport } from './types.js';

export interface FailedJourney {
  correlationId: string;
  /** the journey's first failure in the window */
  failedAt: Date;
  source: SourceName;
  step: string;
  error?: string;
  lastFailureAt: Date;
  failures: number;
}

export interface FailedJourneysReport {
  from: Date;
  to: Date;
  sources: SourceReport[];
  journeys: FailedJourney[];
  partial: boolean;
}

export interface FailedJourneysDeps {
  /** or the promise of it, as for a trace (TraceDeps) */
  database: JourneyDatabase | Promise<JourneyDatabase>;
  trigger: TriggerRuns | { skipped: string };
  signal?: AbortSignal;
  now?: () => Date;
  secrets?: readonly string[];
}

export interface FailedJourneysOptions {
  since: Date;
  timeoutMs: number;
  /** most failures read per source */
  limit: number;
  showPii?: boolean;
}

/**
 * Correlation IDs whose journeys failed in the window, newest first. Each source module answers
 * with its failures only (the same rule its journey verdict uses), through partial indexes that
 * reach them without scanning the journey tables.
 */
export async function listFailedJourneys(
  deps: FailedJourneysDeps,
  options: FailedJourneysOptions,
): Promise<FailedJourneysReport> {
  const request = { since: options.since, limit: options.limit };
  const tasks: SourceTask<LimitedRows<FailureRow>>[] = databaseSourceTasks(deps.database, (source, query) =>
    source.readFailures({ kind: 'database', query }, request),
  );
  const trigger = deps.trigger;
  tasks.push(
    'skipped' in trigger
      ? { source: TRIGGER_SOURCE.name, skip: trigger.skipped }
      : {
          source: TRIGGER_SOURCE.name,
          read: (signal) => TRIGGER_SOURCE.readFailures({ kind: 'trigger', client: trigger, signal }, request),
        },
  );
  const outcomes = await runSources(tasks, options.timeoutMs, { signal: deps.signal, secrets: deps.secrets });
  const sources = outcomes.map(({ report }) => report);
  const byJourney = new Map<string, FailedJourney>();
  const failures = outcomes
    .flatMap(({ result }) => result?.items ?? [])
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  // one masker for the list: a name in any listed row's payload is masked in every error shown,
  // and the listed correlation IDs are kept even when they look like phone numbers
  const masker = options.showPii
    ? undefined
    : createMasker({ keep: [...new Set(failures.map((f) => f.correlationId))] });
  for (const failure of failures) masker?.learn([failure.context ?? {}, failure.error ?? '']);
  for (const failure of failures) {
    const seen = byJourney.get(failure.correlationId);
    if (seen) {
      seen.failures++;
      seen.lastFailureAt = failure.at;
      continue;
    }
    byJourney.set(failure.correlationId, {
      correlationId: failure.correlationId,
      failedAt: failure.at,
      source: failure.source,
      step: masker ? masker.text(failure.step) : failure.step,
      error: failure.error && masker ? masker.text(failure.error) : failure.error,
      lastFailureAt: failure.at,
      failures: 1,
    });
  }
  if (masker) for (const report of sources) if (report.reason) report.reason = masker.text(report.reason);
  const journeys = [...byJourney.values()].sort((a, b) => b.failedAt.getTime() - a.failedAt.getTime());
  return { from: options.since, to: deps.now?.() ?? new Date(), sources, journeys, partial: isPartial(sources) };
}
