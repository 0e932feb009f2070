/**
 * Everything core has, for the project's own benches and tests that load the build (dist/core/internal.js).
 * Not a package entry: services import the deliberate list in index.ts.
 */
export * from './redact.js';
export * from './config/index.js';
export * from './db/index.js';
export * from './migrations/index.js';
export * from './redis/index.js';
export * from './journey/index.js';
export * from './trigger/index.js';
export * from './breakers/index.js';
export * from './budget/index.js';
export * from './time/index.js';
export * from './schema/index.js';
export * from './sla/index.js';
export * from './prometheus/index.js';
export * from './runbook/index.js';
export * from './incidents/index.js';
export * from './events/index.js';
export * from './projections/index.js';
export * from './snapshots/index.js';
export * from './sagas/index.js';
export * from './dlq/index.js';
export * from './errors.js';
export * from './mask/index.js';
