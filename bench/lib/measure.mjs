// Timing helpers shared by the bench scripts: wall time of whole processes, medians.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

/**
 * Wall time in ms of one run of a command (argv array, no shell); throws unless it exits with one
 * of `okStatus` (e.g. [0, 3] for a command whose exit 3 reports a finding, not a failure).
 */
export function timeProcess(command, args, { okStatus = [0], ...options } = {}) {
  const start = performance.now();
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], ...options });
  const elapsed = performance.now() - start;
  if (!okStatus.includes(result.status))
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return elapsed;
}

/**
 * Runs each named command `runs` times, interleaved so machine noise hits all of them alike,
 * after one warm-up each; returns the median wall time of each in ms.
 */
export function medianOfInterleaved(commands, runs) {
  const samples = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (const run of Object.values(commands)) run();
  for (let i = 0; i < runs; i++) for (const [name, run] of Object.entries(commands)) samples[name].push(run());
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
}

export const fmt = (ms) => `${ms.toFixed(1)} ms`;

/** "(+12.3 ms against the baseline, ×1.10)" */
export const vsBaseline = (ms, base) =>
  `(${ms >= base ? '+' : '−'}${Math.abs(ms - base).toFixed(1)} ms against the baseline, ×${(ms / base).toFixed(2)})`;
