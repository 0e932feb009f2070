export * from './files.js';
export * from './findings.js';
export * from './file-rules.js';
export * from './dbmate.js';
export * from './ledger.js';
export * from './state.js';
export * from './lint.js';
export * from './runner.js';
