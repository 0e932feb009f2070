export * from './client.js';
export * from './patches.js';
