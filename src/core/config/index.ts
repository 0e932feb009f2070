// The zod schema's values are not re-exported: importing them costs startup time on every
// command; load.ts loads them only when a config file is read.
export type { ConfigFile, EnvironmentFile, SecretRef } from './schema.js';
export * from './load.js';
export * from './resolve.js';
export * from './actor.js';
export * from './project-root.js';
export * from './database-choice.js';
export * from './write-targets.js';
