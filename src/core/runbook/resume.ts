import type { Pool } from '../db/index.js';
import { CliError, ExitCode, usageError } from '../../cli-kit/index.js';
import { getRun, runChain, runResumedBy, stepsOf, type RunRow } from './audit.js';
import type { ResumePoint } from './execute.js';
import type { Runbook } from './schema.js';

/** The stopped run to continue, and where: the first step that did not complete (verify included). */
export async function planResume(pool: Pool, runId: string, environment: string): Promise<{ run: RunRow; chain: RunRow[] }> {
  const run = await getRun(pool, runId);
  if (!run) throw usageError(`No runbook run ${runId} on this database.`, 'List runs with "medicalcor runbook history".');
  if (run.environment !== environment) throw usageError(`Run ${runId} was on environment ${run.environment}, not ${environment}.`, `Pass --env ${run.environment}.`);
  const refuse = (why: string, hint?: string) => new CliError(`Cannot resume run ${runId}: ${why}.`, ExitCode.Usage, hint);
  switch (run.status) {
    case 'succeeded':
      throw refuse('it finished successfully');
    case 'rolled_back':
      throw refuse('its completed steps were rolled back', `Start again with "medicalcor runbook run ${run.runbookId} --execute".`);
    case 'rollback_failed':
      throw refuse('its rollback failed, so the environment is in an unknown state', `Inspect "medicalcor runbook history --run ${runId}" and repair by hand.`);
    case 'running':
      throw refuse(`it is still running (started ${run.startedAt.toISOString()} by ${run.actor})`, 'If its process is gone, the next run of the runbook marks it interrupted.');
    default:
  }
  const later = await runResumedBy(pool, runId);
  if (later) throw refuse(`it was already resumed by run ${later.id} (${later.status})`, later.status === 'failed' || later.status === 'interrupted' ? `Resume ${later.id} instead.` : undefined);
  return { run, chain: await runChain(pool, runId) };
}

export async function resumePoint(pool: Pool, runbook: Runbook, run: RunRow, chain: RunRow[]): Promise<ResumePoint> {
  const rows = await stepsOf(pool, chain.map((r) => r.id));
  const latest = new Map<string, (typeof rows)[number]>();
  for (const row of rows) latest.set(`${row.stepIndex}:${row.phase}`, row);
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
      throw new CliError(
        `Runbook ${runbook.id} changed since run ${run.id}: step ${i + 1} was "${recorded.stepId}", it is now "${runbook.steps[i]!.id}".`,
        ExitCode.Usage,
        `Resuming could skip or repeat the wrong step; start a new run with "medicalcor runbook run ${runbook.id}".`,
      );
    }
  }
  if (fromIndex >= runbook.steps.length) throw new CliError(`Cannot resume run ${run.id}: every step completed.`, ExitCode.Usage);
  const completedMutating = [...Array(fromIndex).keys()].filter((i) => latest.get(`${i}:execute`)?.mutates);
  return { runId: run.id, fromIndex, completedMutating };
}
