import { execa } from 'execa';
import { repoRoot } from './cli.js';

export interface WorkerResult {
  made: number;
  refused: number;
  failed: number;
  reasons: Record<string, number>;
  errors: string[];
  state?: string;
}

/**
 * Runs `count` service processes (test/helpers/breaker-budget-worker.mjs on the built package) at
 * once; they start their calls together at a common time, after every process has loaded.
 */
export async function runWorkers(
  count: number,
  job: (i: number) => Record<string, unknown>,
  startInMs = 2_500,
): Promise<WorkerResult[]> {
  const startAt = Date.now() + startInMs;
  const runs = Array.from({ length: count }, (_, i) =>
    execa('node', [`${repoRoot}test/helpers/breaker-budget-worker.mjs`, JSON.stringify({ startAt, ...job(i) })], {
      cwd: repoRoot,
      timeout: 120_000,
    }),
  );
  const done = await Promise.all(runs);
  return done.map((r) => JSON.parse(String(r.stdout).trim().split('\n').pop()!) as WorkerResult);
}

export const sum = (results: WorkerResult[], field: 'made' | 'refused' | 'failed') =>
  results.reduce((total, r) => total + r[field], 0);
