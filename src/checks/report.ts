import { readinessScore } from './score.js';
import type { CheckResult } from './types.js';

export interface CheckReport {
  environment: string;
  /** no required check failed */
  ready: boolean;
  /** 0..100, see readinessScore; null when every check was skipped */
  score: number | null;
  counts: Record<CheckResult['status'], number>;
  requiredFailed: string[];
  checks: CheckResult[];
}

/** The verdict over the results: ready unless a required check failed. */
export function buildCheckReport(environment: string, checks: CheckResult[]): CheckReport {
  const counts = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const c of checks) counts[c.status]++;
  const requiredFailed = checks.filter((c) => c.required && c.status === 'fail').map((c) => c.id);
  return {
    environment,
    ready: requiredFailed.length === 0,
    score: readinessScore(checks),
    counts,
    requiredFailed,
    checks,
  };
}
