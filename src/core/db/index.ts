export * from './errors.js';
export * from './pool.js';
export * from './embedded.js';
export * from './connect.js';
export * from './advisory-lock.js';
export * from './replica.js';
