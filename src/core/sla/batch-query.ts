import { PrometheusQueryError, PrometheusUnavailableError } from '../prometheus/index.js';
import type { EvaluateDeps } from './evaluate.js';
import { mapLimited } from './map-limited.js';
import { isSliFailure, scalarOf, type SliFailure } from './sli-value.js';

export interface QueryJob {
  /** jobs with the same batch key go to Prometheus as one query (one round trip) */
  batch: string;
  expr: string;
}

export type Outcome = { value: number | null } | { error: SliFailure };

/** The label that tells the answers of one batched query apart; a job's own labels cannot collide with it. */
const JOB_LABEL = 'medicalcor_job';

/**
 * Runs instant queries at `at`, one round trip per batch: the jobs of a batch are joined with
 * `or`, each tagged by label_replace, and the answer is split by that tag. A batch Prometheus
 * refuses (one bad query, or a scalar that label_replace cannot take) is re-run job by job, so a
 * bad query is reported under its own SLA and the others still get their figures.
 */
export async function runBatched(
  jobs: readonly QueryJob[],
  at: Date,
  deps: EvaluateDeps,
): Promise<{ outcomes: Outcome[]; roundTrips: number }> {
  const outcomes = new Array<Outcome>(jobs.length);
  const batches = new Map<string, number[]>();
  jobs.forEach((job, i) => batches.set(job.batch, [...(batches.get(job.batch) ?? []), i]));
  let roundTrips = 0;
  // once Prometheus is found unreachable, the remaining queries are not sent: each would wait its timeout
  let unreachable: PrometheusUnavailableError | undefined;

  const single = async (i: number) => {
    if (unreachable) return void (outcomes[i] = { error: unreachable });
    roundTrips++;
    try {
      outcomes[i] = { value: scalarOf(await deps.prometheus.query(jobs[i]!.expr, at, deps.signal)) };
    } catch (error) {
      if (!isSliFailure(error)) throw error;
      if (error instanceof PrometheusUnavailableError) unreachable = error;
      outcomes[i] = { error };
    }
  };

  await mapLimited([...batches.values()], deps.concurrency ?? 8, async (members) => {
    if (members.length === 1) return single(members[0]!);
    if (unreachable) return members.forEach((i) => (outcomes[i] = { error: unreachable! }));
    const expr = members.map((i, n) => `label_replace(${jobs[i]!.expr}, "${JOB_LABEL}", "${n}", "", "")`).join(' or ');
    roundTrips++;
    try {
      const samples = await deps.prometheus.query(expr, at, deps.signal);
      members.forEach((i, n) => {
        const mine = samples.filter((s) => s.labels[JOB_LABEL] === String(n));
        try {
          outcomes[i] = { value: scalarOf(mine) };
        } catch (error) {
          if (!isSliFailure(error)) throw error;
          outcomes[i] = { error };
        }
      });
    } catch (error) {
      if (error instanceof PrometheusQueryError) {
        for (const i of members) await single(i);
        return;
      }
      if (!(error instanceof PrometheusUnavailableError)) throw error;
      unreachable = error;
      for (const i of members) outcomes[i] = { error };
    }
  });
  return { outcomes, roundTrips };
}
