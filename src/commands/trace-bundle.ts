/**
 * The trace command as one CommonJS file, dist/commands/trace.cjs (tsup.config.ts), with the
 * context module it runs in and pg: the shell requires it whole (src/cli.ts), so a trace reads
 * and compiles one file and never sets up Node's ES module loader. dist/commands/trace.js stays
 * the ES module build of the same command (help manifest, fallback).
 */
export { register } from './trace.js';
export * as context from './context.js';
