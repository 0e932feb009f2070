export * from './exit-codes.js';
export * from './errors.js';
export * from './color.js';
export * from './annotations.js';
export * from './render.js';
export * from './io.js';
export * from './confirm.js';
