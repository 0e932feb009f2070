/**
 * The medicalcor core library: what the CLI and the platform's services share, so both agree
 * on every table, key and rule. Nothing here reads argv or imports a command.
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
