import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../db/index.js';
import { invalidInput, notFound, rethrowSchemaMissing } from '../errors.js';
import { matchAlerts, type AlertmanagerPayload } from './alerts.js';
import { listRuns, runChain, runResumedBy, stepsOf, type RunRow, type StepRow } from './audit.js';
import { runRunbook, type EngineDeps, type RunReport } from './execute.js';
import type { LoadedRunbook } from './load.js';
import { resolveParameters } from './params.js';
import { planResume, resumePoint, type ResumeDeps } from './resume.js';

/**
 * The runbook use cases the CLI (and a service) calls: one call each. Rules live here, the
 * command files only parse and render.
 */

export interface SessionDeps extends EngineDeps, ResumeDeps {
  /** asked before a real run touches anything (the production guard); throws to refuse */
  confirm?(what: { runbookId: string; mutatingSteps: number }): Promise<void>;
  note?(line: string): void;
}

export interface RunRequest {
  loaded: LoadedRunbook;
  given: Record<string, string>;
  execute: boolean;
  rollback: boolean;
  lockTimeoutMs: number;
  leaseTtlMs?: number;
}

/** Parameters, confirmation, the run: one new run (dry by default). */
export async function startRun(request: RunRequest, deps: SessionDeps): Promise<RunReport> {
  const { runbook } = request.loaded;
  const parameters = resolveParameters(runbook, request.given);
  if (request.execute)
    await deps.confirm?.({ runbookId: runbook.id, mutatingSteps: runbook.steps.filter((s) => s.mutates).length });
  return runRunbook(
    runbook,
    {
      mode: request.execute ? 'execute' : 'dry_run',
      parameters,
      rollback: request.rollback,
      lockTimeoutMs: request.lockTimeoutMs,
      leaseTtlMs: request.leaseTtlMs,
    },
    deps,
  );
}

/** The runbook id a stopped run belongs to (the last run of its chain). */
export async function runbookOfRun(db: Database, runId: string): Promise<string> {
  const chain = await runChain(db.pool, runId).catch(rethrowSchemaMissing);
  if (!chain.length)
    throw notFound(`No runbook run ${runId} on this database.`, { code: 'runbook.run-not-found', facts: { runId } });
  return chain[chain.length - 1]!.runbookId;
}

export interface ResumeRequest {
  loaded: LoadedRunbook;
  runId: string;
  /** false to keep completed steps on failure; a run started with rollback off stays so */
  rollback: boolean;
  lockTimeoutMs: number;
  leaseTtlMs?: number;
}

/**
 * Continues a stopped run from the first step that did not complete, with its stored parameters,
 * its rollback setting and the automatic undo of the steps it completed. A run whose runner died
 * is taken over first; a mutating step that was in flight is settled before it runs again.
 */
export async function resumeRun(request: ResumeRequest, deps: SessionDeps): Promise<RunReport> {
  const { runbook } = request.loaded;
  const db = await deps.database();
  const { run, chain, tookOver } = await planResume(db.pool, request.runId, deps.config.envName);
  if (run.runbookId !== runbook.id) {
    throw invalidInput(`Run ${run.id} is a run of ${run.runbookId}, not ${runbook.id}.`, {
      code: 'runbook.run-of-other-runbook',
      facts: { runId: run.id, runbookId: run.runbookId },
    });
  }
  if (runbook.parameters.some((p) => p.sensitive && run.parameters[p.name])) {
    throw invalidInput(`Run ${run.id} had a sensitive parameter, which is not stored; it cannot be resumed.`, {
      code: 'runbook.resume-sensitive',
      facts: { runId: run.id, runbookId: runbook.id },
      remedy: 'Start a new run of the runbook.',
    });
  }
  if (tookOver) deps.note?.(`run ${run.id} was left running: ${tookOver}; it is closed as interrupted`);
  // The stored values are checked again: the runbook's rules may have tightened since.
  const parameters = resolveParameters(runbook, run.parameters);
  const resume = await resumePoint(db.pool, runbook, run, chain, deps);
  deps.note?.(`resuming run ${run.id} at step ${resume.fromIndex + 1} "${runbook.steps[resume.fromIndex]!.id}"`);
  await deps.confirm?.({ runbookId: runbook.id, mutatingSteps: runbook.steps.filter((s) => s.mutates).length });
  return runRunbook(
    runbook,
    {
      mode: 'execute',
      parameters,
      rollback: request.rollback && chain.every((r) => r.rollback),
      lockTimeoutMs: request.lockTimeoutMs,
      leaseTtlMs: request.leaseTtlMs,
      resume,
    },
    deps,
  );
}

/** A run and every run of its chain (the ones it resumed and the ones that resumed it), with their steps. */
export async function runStory(db: Database, runId: string): Promise<{ runs: RunRow[]; steps: StepRow[] }> {
  try {
    const chain = await runChain(db.pool, runId);
    for (
      let next = chain.length ? await runResumedBy(db.pool, chain[chain.length - 1]!.id) : undefined;
      next && chain.length < 100;
      next = await runResumedBy(db.pool, next.id)
    )
      chain.push(next);
    if (!chain.length)
      throw notFound(`No runbook run ${runId} on this database.`, { code: 'runbook.run-not-found', facts: { runId } });
    return {
      runs: chain,
      steps: await stepsOf(
        db.pool,
        chain.map((r) => r.id),
      ),
    };
  } catch (error) {
    return rethrowSchemaMissing(error);
  }
}

export async function recentRuns(
  db: Database,
  filter: { runbookId?: string; environment?: string; limit: number },
): Promise<RunRow[]> {
  return listRuns(db.pool, filter).catch(rethrowSchemaMissing);
}

export interface AlertOutcome {
  alertname: string;
  fingerprint?: string;
  runbook: string | null;
  parameters: Record<string, string>;
  runId: string | null;
  status: string;
  error?: string;
}

/**
 * Every firing alert of an AlertManager payload answered by its runbook: grouped alerts that
 * repeat one problem (same runbook, same parameters) share one run. An alert no runbook answers
 * is reported, a run that cannot start (a label breaking a parameter rule) is reported and the
 * others still run.
 */
export async function answerAlerts(
  payload: AlertmanagerPayload,
  runbooks: readonly LoadedRunbook[],
  request: Omit<RunRequest, 'loaded' | 'given'>,
  deps: SessionDeps,
): Promise<{ alerts: AlertOutcome[]; runs: RunReport[]; firing: number }> {
  const matches = matchAlerts(payload, runbooks);
  const alerts: AlertOutcome[] = [];
  const runs: RunReport[] = [];
  const seen = new Map<string, AlertOutcome>();
  for (const match of matches) {
    if (!match.runbook) {
      alerts.push({
        alertname: match.alertname,
        fingerprint: match.fingerprint,
        runbook: null,
        parameters: {},
        runId: null,
        status: match.ambiguous ? 'ambiguous' : 'no_runbook',
        error: match.ambiguous
          ? `answered by several runbooks (${match.ambiguous.join(', ')}); keep the alert in one of them`
          : match.requested
            ? `its runbook label names "${match.requested}", which is not a runbook here`
            : undefined,
      });
      continue;
    }
    const key = `${match.runbook.runbook.id}\0${JSON.stringify(Object.entries(match.given).sort())}`;
    const earlier = seen.get(key);
    if (earlier) {
      alerts.push({ ...earlier, fingerprint: match.fingerprint, status: 'same_run' });
      continue;
    }
    let entry: AlertOutcome;
    try {
      deps.note?.(`alert ${match.alertname}: runbook ${match.runbook.runbook.id}`);
      const report = await startRun({ ...request, loaded: match.runbook, given: match.given }, deps);
      runs.push(report);
      entry = {
        alertname: match.alertname,
        fingerprint: match.fingerprint,
        runbook: report.runbook,
        parameters: report.parameters,
        runId: report.runId,
        status: report.status,
        error: report.error ?? undefined,
      };
    } catch (error) {
      if (deps.signal.aborted) throw error;
      const e = error as { kind?: string; message?: string };
      // a run that could not start is this alert's outcome; anything else (a bug) is not hidden
      if (e.kind !== 'invalid-input' && e.kind !== 'conflict') throw error;
      entry = {
        alertname: match.alertname,
        fingerprint: match.fingerprint,
        runbook: match.runbook.runbook.id,
        parameters: match.given,
        runId: null,
        status: 'not_started',
        error: e.message,
      };
    }
    seen.set(key, entry);
    alerts.push(entry);
  }
  return { alerts, runs, firing: matches.length };
}

const RUNBOOK_ID = /^[a-z0-9][a-z0-9_-]*$/;

/** Writes a new runbook file from the template under its id; never overwrites. */
export function createRunbookFile(id: string, dir: string, templateFile: string): string {
  if (!RUNBOOK_ID.test(id)) {
    throw invalidInput(`Runbook id "${id}" must be lower-case letters, digits, - and _.`, {
      code: 'runbook.bad-new-id',
      facts: { id },
      remedy: 'For example: redis-memory-high.',
    });
  }
  const file = join(dir, `${id}.yaml`);
  if (existsSync(file)) throw invalidInput(`${file} already exists.`, { code: 'runbook.file-exists', facts: { file } });
  const template = readFileSync(templateFile, 'utf8').replace(/^id: .*$/m, `id: ${id}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, template, { flag: 'wx' });
  return file;
}
