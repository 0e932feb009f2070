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
