export * from './query.js';
export * from './replay.js';
export * from './discard.js';
export * from './guard.js';
export * from './endpoint.js';
