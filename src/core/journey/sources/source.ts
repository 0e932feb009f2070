import type { TriggerRuns } from './trigger-runs.js';
import type { LimitedRows, RunQuery } from '../query.js';
import type { SourceName, SourceResult } from '../types.js';

/** One failure of some journey, as `--failed` lists them. */
export interface FailureRow {
  correlationId: string;
  at: Date;
  source: SourceName;
  step: string;
  error?: string;
  /** the row's payload, so names in it are masked in the error too; never shown */
  context?: unknown;
}

/** What a database source reads through. */
export interface DatabaseReader {
  kind: 'database';
  query: RunQuery;
}

/** What the Trigger.dev source reads through. */
export interface TriggerReader {
  kind: 'trigger';
  client: TriggerRuns;
  signal: AbortSignal;
}

/**
 * A journey source is one module: how it reads one journey (the view and the whole-journey
 * verdict, in one round trip) and how it finds failures of any journey in a window. Adding a
 * source is one file and one line in sources/index.ts.
 */
export interface JourneySource<Reader extends DatabaseReader | TriggerReader = DatabaseReader | TriggerReader> {
  name: SourceName;
  system: Reader['kind'];
  readJourney(reader: Reader, request: { correlationId: string; since: Date; limit: number }): Promise<SourceResult>;
  readFailures(reader: Reader, request: { since: Date; limit: number }): Promise<LimitedRows<FailureRow>>;
}

export type DatabaseSource = JourneySource<DatabaseReader>;
export type TriggerSource = JourneySource<TriggerReader>;
