import type { Pool } from '../db/index.js';
import { conflict, invalidInput, notFound } from '../errors.js';
import { getRun, runChain, runResumedBy, stepsOf, type RunRow, type StepRow } from './audit.js';
import type { ResumePoint } from './execute.js';
import { goneBecause, leaseState, takeOver } from './lease.js';
import { kindNames } from './steps/index.js';
import type { Runbook } from './schema.js';

/**
 * The rules of `resume`: which stopped run may be continued, from which step, what the earlier
 * runs completed (and how to undo it), and what to do about a mutating step that was in flight
 * when its runner stopped (Ctrl-C, SIGTERM, kill -9, a lost machine).
 */

/** How the caller settles an in-flight step: from an explicit answer, or by asking the operator. */
export type InFlightAnswer = 'done' | 'not-done';

export interface InFlightQuestion {
  runId: string;
  stepIndex: number;
  stepId: string;
  title?: string;
}

export interface ResumeDeps {
  /** an explicit answer given up front (for scripts) */
  inFlight?: InFlightAnswer;
  /** asks the operator whether the step completed; 'no-terminal' when nobody can be asked */
  ask?(question: InFlightQuestion): Promise<InFlightAnswer | 'no-terminal'>;
}

export interface ResumePlan {
  run: RunRow;
  chain: RunRow[];
  /** set when a dead runner's run was closed as interrupted so it could be resumed */
  tookOver?: string;
}

/** The stopped run to continue; a run whose runner died is closed first (its lease is taken over). */
export async function planResume(pool: Pool, runId: string, environment: string): Promise<ResumePlan> {
  let run = await getRun(pool, runId);
  if (!run)
    throw notFound(`No runbook run ${runId} on this database.`, { code: 'runbook.run-not-found', facts: { runId } });
  if (run.environment !== environment) {
    throw invalidInput(`Run ${runId} was on environment ${run.environment}, not ${environment}.`, {
      code: 'runbook.run-other-environment',
      facts: { runId, environment: run.environment },
    });
  }
  const refuse = (why: string, code: string, remedy?: string) =>
    invalidInput(`Cannot resume run ${runId}: ${why}.`, { code, facts: { runId, runbookId: run!.runbookId }, remedy });
  let tookOver: string | undefined;
  if (run.status === 'running') {
    const state = await leaseState(pool, run.id);
    const gone = state && goneBecause(state);
    if (!gone) {
      const holder = state?.holder ? ` by pid ${state.holder.pid} on ${state.holder.host}` : '';
      throw conflict(
        `Cannot resume run ${runId}: it is still running${holder} (started ${run.startedAt.toISOString()} by ` +
          `${run.actor}).`,
        {
          code: 'runbook.still-running',
          facts: { runId, runbookId: run.runbookId },
          remedy: 'Wait for it to finish; if its runner is gone, its lease runs out within a minute.',
        },
      );
    }
    await takeOver(pool, run, gone);
    tookOver = gone;
    run = (await getRun(pool, runId))!;
  }
  switch (run.status) {
    case 'succeeded':
      throw refuse('it finished successfully', 'runbook.resume-succeeded');
    case 'rolled_back':
      throw refuse('its completed steps were rolled back', 'runbook.resume-rolled-back', 'Start the runbook again.');
    case 'rollback_failed':
      throw refuse(
        'its rollback failed, so the environment is in an unknown state',
        'runbook.resume-rollback-failed',
        "Inspect the run's history and repair by hand.",
      );
    default:
  }
  const later = await runResumedBy(pool, runId);
  if (later) {
    throw refuse(
      `it was already resumed by run ${later.id} (${later.status})`,
      'runbook.already-resumed',
      later.status === 'failed' || later.status === 'interrupted' ? `Resume ${later.id} instead.` : undefined,
    );
  }
  return { run, chain: await runChain(pool, runId), tookOver };
}

const UNSETTLED = new Set(['running', 'interrupted']);

/** An automatic undo read back from runbook_step_runs.undo: a rendered action of a known kind, else none. */
function storedUndo(value: unknown): { kind: string } | undefined {
  if (typeof value !== 'object' || value === null || !('kind' in value) || typeof value.kind !== 'string')
    return undefined;
  return kindNames().includes(value.kind) ? { ...value, kind: value.kind } : undefined;
}

/** The latest row of each step and phase over the chain of runs. */
function latestRows(rows: StepRow[]): Map<string, StepRow> {
  const latest = new Map<string, StepRow>();
  for (const row of rows) latest.set(`${row.stepIndex}:${row.phase}`, row);
  return latest;
}

export async function resumePoint(
  pool: Pool,
  runbook: Runbook,
  run: RunRow,
  chain: RunRow[],
  deps: ResumeDeps = {},
): Promise<ResumePoint> {
  const latest = latestRows(
    await stepsOf(
      pool,
      chain.map((r) => r.id),
    ),
  );
  const done = (index: number) => {
    const exec = latest.get(`${index}:execute`);
    const verify = latest.get(`${index}:verify`);
    return exec?.status === 'succeeded' && (!verify || verify.status === 'succeeded');
  };
  let fromIndex = 0;
  while (fromIndex < runbook.steps.length && done(fromIndex)) fromIndex++;
  for (let i = 0; i <= Math.min(fromIndex, runbook.steps.length - 1); i++) {
    const recorded = latest.get(`${i}:execute`);
    if (recorded && recorded.stepId !== runbook.steps[i]!.id) {
      throw invalidInput(
        `Runbook ${runbook.id} changed since run ${run.id}: step ${i + 1} was "${recorded.stepId}", it is now ` +
          `"${runbook.steps[i]!.id}".`,
        {
          code: 'runbook.changed',
          facts: { runbookId: runbook.id, runId: run.id },
          remedy: 'Resuming could skip or repeat the wrong step; start a new run.',
        },
      );
    }
  }
  if (fromIndex >= runbook.steps.length) {
    throw invalidInput(`Cannot resume run ${run.id}: every step completed.`, {
      code: 'runbook.resume-complete',
      facts: { runId: run.id },
    });
  }
  const completedMutating = [...Array(fromIndex).keys()]
    .filter((i) => latest.get(`${i}:execute`)?.mutates)
    .map((index) => ({ index, undo: storedUndo(latest.get(`${index}:execute`)?.undo) }));
  const inFlight = await settleInFlight(runbook, run, fromIndex, latest, deps);
  return { runId: run.id, fromIndex, completedMutating, inFlight };
}

/**
 * A mutating step whose execute (or verify) was still running or interrupted may have done its
 * change: it is not run again until someone knows. Its verify probe decides when it has one;
 * otherwise the explicit answer, otherwise the operator on a terminal; nobody to ask is a refusal.
 */
async function settleInFlight(
  runbook: Runbook,
  run: RunRow,
  index: number,
  latest: Map<string, StepRow>,
  deps: ResumeDeps,
): Promise<ResumePoint['inFlight']> {
  const step = runbook.steps[index]!;
  const exec = latest.get(`${index}:execute`);
  const verify = latest.get(`${index}:verify`);
  const unsettled =
    exec && (UNSETTLED.has(exec.status) || (exec.status === 'succeeded' && verify && UNSETTLED.has(verify.status)));
  if (!step.mutates || !unsettled) return undefined;
  if (deps.inFlight) return { index, decision: deps.inFlight, by: 'the caller' };
  if (step.verify) return { index, decision: 'verify', by: 'its verify' };
  const answer = deps.ask
    ? await deps.ask({ runId: run.id, stepIndex: index, stepId: step.id, title: step.title })
    : 'no-terminal';
  if (answer === 'no-terminal') {
    throw invalidInput(
      `Cannot resume run ${run.id}: step ${index + 1} "${step.id}" changes things and was in flight when the run ` +
        'stopped; ' +
        'whether it completed is unknown and it has no verify.',
      {
        code: 'runbook.in-flight-unknown',
        facts: { runId: run.id, stepIndex: index, stepId: step.id },
        remedy: 'Check by hand whether the step completed, then say so when resuming; nothing was run.',
      },
    );
  }
  return { index, decision: answer, by: 'the operator' };
}
