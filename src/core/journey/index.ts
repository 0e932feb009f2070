export * from './types.js';
export * from './correlation-id.js';
export * from './failure-rules.js';
export * from './timeline.js';
export * from './run-sources.js';
export * from './trace.js';
export * from './failed.js';
export * from './writers.js';
export * from './pii-access.js';
export {
  correlationTag,
  runStatus as triggerRunStatus,
  DATABASE_SOURCES,
  TRIGGER_SOURCE,
  type TriggerRuns,
} from './sources/index.js';
export type {
  JourneySource,
  DatabaseSource as JourneyDatabaseSource,
  TriggerSource,
  FailureRow,
} from './sources/index.js';
export type { SourceVerdict, RunQuery } from './query.js';
export * from './sample.js';
