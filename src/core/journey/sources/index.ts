import { deadLetters } from './dead-letters.js';
import { domainEvents } from './domain-events.js';
import { integrationLogs } from './integration-logs.js';
import { llmUsage } from './llm-usage.js';
import { sagas } from './sagas.js';
import type { DatabaseSource, TriggerSource } from './source.js';
import { triggerRuns } from './trigger-runs.js';

/** Every journey source, in the order summaries list them. A new source: one module, one line here. */
export const DATABASE_SOURCES: readonly DatabaseSource[] = [
  domainEvents,
  sagas,
  deadLetters,
  integrationLogs,
  llmUsage,
];
export const TRIGGER_SOURCE: TriggerSource = triggerRuns;

export type { DatabaseSource, FailureRow, JourneySource, TriggerSource } from './source.js';
export { correlationIdFromTags, correlationTag, runStatus, type TriggerRuns } from './trigger-runs.js';
