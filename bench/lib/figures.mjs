// One figure a bench script reports: printed for people, and appended as JSON to $BENCH_FIGURES
// (set by bench/compare.mjs) so a rerun can be held against the figures recorded in figures.json.
import { appendFileSync } from 'node:fs';

/**
 * @param {string} name stable identifier, e.g. "startup.help-ratio"
 * @param {number} value the measured figure
 * @param {{ unit?: string, goal?: number, better?: 'lower' | 'higher', shape?: string }} meta
 */
export function figure(name, value, meta = {}) {
  const record = {
    name,
    value,
    unit: meta.unit ?? '',
    goal: meta.goal ?? null,
    better: meta.better ?? 'lower',
    shape: meta.shape ?? '',
  };
  if (process.env.BENCH_FIGURES) appendFileSync(process.env.BENCH_FIGURES, `${JSON.stringify(record)}\n`);
  return record;
}

/**
 * The runs of bench/figures.json, each { id, recordedAt, machine }; a file written before runs were
 * kept has one date and machine for all its figures: that is run 1, and its figures are marked so.
 */
export function recordedRuns(recorded) {
  if (recorded.runs) return [...recorded.runs];
  if (!recorded.recordedAt) return [];
  for (const f of Object.values(recorded.figures)) f.run ??= 1;
  return [{ id: 1, recordedAt: recorded.recordedAt, machine: recorded.machine }];
}
