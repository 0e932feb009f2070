// The runbook noun lives in ./runbook/ (one file per verb). The bundle builds dist/commands/runbook.js
// from runbook/index.ts; this file only lets the in-process test seam (src/cli.ts loading
// ./commands/runbook.js from source) find it until the shell resolves noun folders itself.
export { register } from './runbook/index.js';
