export * from './store.js';
export * from './status.js';
export * from './prune.js';
