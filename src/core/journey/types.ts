import type { SourceVerdict } from './query.js';

/** The sources a journey is read from, in the order they are listed in summaries. */
export const SOURCES = [
  'domain_events',
  'sagas',
  'dead_letters',
  'integration_logs',
  'llm_usage',
  'trigger_runs',
] as const;
export type SourceName = (typeof SOURCES)[number];

export const SOURCE_LABELS: Record<SourceName, string> = {
  domain_events: 'domain events',
  sagas: 'sagas',
  dead_letters: 'dead letters',
  integration_logs: 'integration logs',
  llm_usage: 'LLM usage',
  trigger_runs: 'Trigger.dev runs',
};

/**
 * failed: the step did not do its job; warning: it did, with a retry, a cancellation or a
 * compensation; unknown: the source reported a status this version does not know.
 */
export type ItemStatus = 'ok' | 'failed' | 'warning' | 'pending' | 'unknown';

/** One thing that happened in a journey, from any source. */
export interface TimelineItem {
  at: Date;
  /** when the step ended, if it has a duration */
  endAt?: Date;
  source: SourceName;
  /** what happened, e.g. `LeadCreated`, `hubspot outbound createContact`, `saga lead-onboarding step score` */
  name: string;
  status: ItemStatus;
  durationMs?: number;
  /** one line, no payload */
  summary: string;
  error?: string;
  /** how to find the row: table and id, or the run id */
  ref: string;
  /** the row's own fields (payloads included): masked unless PII is shown */
  detail: Record<string, unknown>;
}

export type SourceState = 'ok' | 'failed' | 'timeout' | 'skipped';

export interface SourceReport {
  source: SourceName;
  state: SourceState;
  items: number;
  elapsedMs: number;
  /** why it failed or was skipped */
  reason?: string;
  /** more rows exist than were read */
  truncated?: boolean;
  /** how it was read, e.g. "3 pages" */
  note?: string;
  /** failures and warnings over the whole journey in this source (a trace; not --failed) */
  failures?: number;
  warnings?: number;
}

export interface SourceResult {
  items: TimelineItem[];
  /** failures and warnings over the whole journey in this source, not only the items read */
  verdict?: SourceVerdict;
  truncated?: boolean;
  /** extra facts for the report (pages read, …) */
  note?: string;
}
