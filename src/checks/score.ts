import type { CheckResult } from './types.js';

/**
 * Readiness as a percentage of the checks that ran: a pass counts 1, a warning ½, a failure 0;
 * skipped checks are left out. Null when nothing ran.
 */
export function readinessScore(results: readonly CheckResult[]): number | null {
  const ran = results.filter((r) => r.status !== 'skip');
  if (!ran.length) return null;
  const points = ran.reduce((sum, r) => sum + (r.status === 'pass' ? 1 : r.status === 'warn' ? 0.5 : 0), 0);
  return Math.round((100 * points) / ran.length);
}
