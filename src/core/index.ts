/**
 * medicalcor/core: what the platform's services use, so they and the CLI agree on every table,
 * key and rule. A deliberate list (etc/medicalcor-core.api.md is its reviewed report, checked in
 * CI); everything else in src/core is internal. docs/library.md shows a service using it.
 */

// errors: kinds and facts, never exit codes
export { DomainError, isDomainError, SchemaMissingError, type ErrorKind } from './errors.js';

// configuration: environments, flags > env > file > defaults
export { loadConfig, defaultActor, type ConfigFlags, type ResolvedConfig } from './config/index.js';

// patient data and secrets: the one masking policy every sink uses
export { createMasker, maskText, maskValue, type Masker, type MaskOptions } from './mask/index.js';
export { maskUrl, redactSecrets } from './redact.js';

// Redis (single node, Sentinel, Cluster) with bounded timeouts
export { createRedisClient, type RedisTarget } from './redis/index.js';

// circuit breakers with shared state
export {
  BreakerOpenError,
  SharedBreakers,
  type BreakerOptions,
  type BreakerState,
  type BreakerThresholds,
  type SharedBreakersOptions,
} from './breakers/index.js';

// AI budget: pricing, reservations, limits, freezes
export {
  BudgetController,
  BudgetRefusedError,
  costOf,
  priceOf,
  setLimit,
  freezeBudget,
  unfreezeBudget,
  getBudgetStatus,
  type BudgetLimit,
  type BudgetStatus,
  type ModelPrice,
  type TokenUsage,
  type TopEntry,
  type UserTier,
} from './budget/index.js';

// the patient journey: writers (masked at write) and reads
export {
  addDeadLetter,
  appendDomainEvent,
  listFailedJourneys,
  logIntegrationCall,
  logLlmUsage,
  saveSagaState,
  traceJourney,
  type Trace,
} from './journey/index.js';

// migrations: is this database at the schema this build expects?
export { migrationStatus, type StatusReport } from './migrations/index.js';

// event store: schema registry, projections, snapshots, sagas, dead letters
export {
  checkStoredEvents,
  defineEvent,
  EventRegistry,
  platformEvents,
  platformEventDefinitions,
  AppointmentScheduled,
  ConsentRecorded,
  LeadAssigned,
  LeadConverted,
  LeadCreated,
  LeadLost,
  LeadQualified,
  LeadScored,
  MessageSent,
  type EventDefinition,
  type EventVersion,
  type AppointmentScheduledPayload,
  type ConsentRecordedPayload,
  type LeadAssignedPayload,
  type LeadConvertedPayload,
  type LeadCreatedPayload,
  type LeadLostPayload,
  type LeadQualifiedPayload,
  type LeadScoredPayload,
  type MessageSentPayload,
} from './events/index.js';
export { ProjectionHealthMonitor } from './projections/index.js';
export { SnapshotStore } from './snapshots/index.js';
export { listSagas, stuckSagasByType } from './sagas/index.js';
export { deadLetterBacklog, listDeadLetters, replayDeadLetters } from './dlq/index.js';

// SLAs: the catalogue and its evaluation
export { evaluateSlas, loadCatalogue, type SlaCatalogue } from './sla/index.js';

// incidents: the record every action is written to
export {
  buildPostmortem,
  changeStatus,
  getIncident,
  incidentFromAlert,
  listIncidents,
  openIncident,
  parseIncidentId,
  recordIncidentAction,
  type Incident,
  type TimelineEntry,
} from './incidents/index.js';
