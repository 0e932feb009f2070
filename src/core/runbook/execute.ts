import { randomUUID } from 'node:crypto';
import { invalidInput } from '../errors.js';
import { redactSecrets } from '../redact.js';
import { maskText } from '../mask/index.js';
import { RunbookAudit, type RunbookRunStatus, type StepPhase } from './audit.js';
import { durationMs as parseDuration } from '../time/index.js';
import { acquireRunLease } from './lease.js';
import { publicParameters, sensitiveValues, type ParameterValues } from './params.js';
import { describeAction, describeRenderedProbe, renderAction, renderProbe, type RenderedProbe } from './plan.js';
import type { Runbook, RunbookStep } from './schema.js';
import { runAction, sleep, stepKind, unmet, type ActionResult, type StepDeps } from './steps/index.js';
import { referencedNames, STEP_VARIABLE, stringsIn, type Variables } from './template.js';

function referencesDatabase(runbook: Runbook): boolean {
  return [...stringsIn(runbook.steps)].some(([text]) => referencedNames(text).some((n) => n.startsWith('db.')));
}

function databaseVariables(url: string): Variables {
  const parsed = new URL(url);
  return {
    'db.host': parsed.hostname,
    'db.port': parsed.port || '5432',
    'db.user': decodeURIComponent(parsed.username),
    'db.name': decodeURIComponent(parsed.pathname.replace(/^\//, '')),
    'db.password': decodeURIComponent(parsed.password),
  };
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A rendered action of any kind (steps/ types each one). */
type AnyRendered = { kind: string };

export type Mode = 'dry_run' | 'execute';

export type StepOutcome =
  | 'succeeded'
  | 'failed'
  | 'interrupted'
  /** dry run: a mutating step shown, not run */
  | 'skipped'
  /** after a failure, or before the resume point of a resumed run */
  | 'not_run'
  | 'done_earlier'
  | 'rolled_back';

export interface PhaseReport {
  status: 'succeeded' | 'failed' | 'skipped' | 'interrupted';
  action?: string;
  output?: string;
  error?: string;
  durationMs?: number;
}

export interface StepReport {
  index: number;
  id: string;
  title?: string;
  kind: string;
  mutates: boolean;
  status: StepOutcome;
  /** the fully rendered action (argv, SQL and parameters, HTTP request, Kubernetes patch …) */
  action: string;
  output?: string;
  error?: string;
  exitCode?: number | null;
  durationMs?: number;
  attempts?: number;
  data?: unknown;
  verify?: PhaseReport;
  rollback?: PhaseReport;
}

export interface RunReport {
  runId: string | null;
  runbook: string;
  title: string;
  environment: string;
  mode: Mode;
  status: RunbookRunStatus;
  actor: string;
  parameters: ParameterValues;
  resumedFrom: string | null;
  startedAt: string;
  finishedAt: string;
  /** index of the step that failed or was interrupted */
  stoppedAt: number | null;
  error: string | null;
  steps: StepReport[];
}

export interface EngineDeps extends StepDeps {
  signal: AbortSignal;
  /** secret values to remove from everything shown or stored */
  secrets: string[];
  onProgress?(line: string): void;
}

export interface RunOptions {
  mode: Mode;
  parameters: ParameterValues;
  /** roll back completed mutating steps when a step fails (default true) */
  rollback: boolean;
  lockTimeoutMs: number;
  /** how long the run's lease lasts without a heartbeat (default 30 s) */
  leaseTtlMs?: number;
  resume?: ResumePoint;
}

export interface ResumePoint {
  runId: string;
  fromIndex: number;
  /**
   * mutating steps completed by the earlier run(s), oldest first, with the automatic undo they
   * recorded, to roll back if this run fails
   */
  completedMutating: { index: number; undo?: AnyRendered }[];
  /**
   * the mutating step at fromIndex was in flight when the earlier runner stopped: whether it
   * completed is settled before it runs again ('verify': its verify probe decides)
   */
  inFlight?: { index: number; decision: 'done' | 'not-done' | 'verify'; by: string };
}

function timeoutOf(step: RunbookStep): number {
  return parseDuration(step.timeout ?? stepKind(step.kind).defaultTimeout);
}

interface RenderedStep {
  step: RunbookStep;
  action: AnyRendered;
  verify?: RenderedProbe;
  rollback?: AnyRendered;
}

/** Renders every step before anything runs, so a bad value or missing setting stops the run before its first step. */
function renderSteps(runbook: Runbook, vars: Variables, deps: EngineDeps, firstIndex = 0): RenderedStep[] {
  const ctx = { config: deps.config, medicalcorArgv: deps.medicalcorArgv };
  return runbook.steps.map((step, at) => {
    const i = firstIndex + at;
    try {
      return {
        step,
        action: renderAction(step, vars, ctx),
        verify: step.verify ? renderProbe(step.verify, vars, ctx) : undefined,
        rollback: step.rollback ? renderAction(step.rollback, vars, ctx) : undefined,
      };
    } catch (error) {
      throw invalidInput(`Runbook ${runbook.id}, step ${i + 1} "${step.id}": ${(error as Error).message}.`, {
        code: 'runbook.render',
        facts: { runbookId: runbook.id, step: step.id },
        remedy: 'Nothing was run.',
      });
    }
  });
}

/** Every string in a structure passed through `clean`; arrays and plain objects are copied. */
function mapStrings(value: unknown, clean: (text: string) => string): unknown {
  if (typeof value === 'string') return clean(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, clean));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, clean)]));
  return value;
}

type PhaseStatus = 'succeeded' | 'failed' | 'interrupted';

interface PhaseOutcome {
  status: PhaseStatus;
  exitCode?: number | null;
  output?: string;
  error?: string;
}

/**
 * One phase of a step (execute, verify or rollback), timed, with its start and outcome recorded
 * when the run is (a dry run has no audit). `outcome` says what the audit table stores.
 */
async function runPhase<T>(
  audit: RunbookAudit | undefined,
  start: { runId: string; stepIndex: number; stepId: string; kind: string; mutates: boolean; phase: StepPhase },
  work: () => Promise<T>,
  outcome: (result: T) => PhaseOutcome & { undo?: unknown },
): Promise<{ result: T; status: PhaseStatus; durationMs: number }> {
  const began = performance.now();
  if (audit) await audit.startStep(start);
  const result = await work();
  const durationMs = Math.round(performance.now() - began);
  const recorded = outcome(result);
  if (audit) await audit.finishStep(start.runId, start.stepIndex, start.phase, { ...recorded, durationMs });
  return { result, status: recorded.status, durationMs };
}

/**
 * Runs a runbook. A dry run executes the read-only steps, shows the mutating ones fully
 * rendered (a mutating SQL statement runs in a transaction that is rolled back) and records
 * nothing. A real run takes the lock, records every step, stops at the first failure and rolls
 * back the completed mutating steps in reverse order.
 */
export async function runRunbook(runbook: Runbook, options: RunOptions, given: EngineDeps): Promise<RunReport> {
  let deps = given;
  const secrets = [...deps.secrets, ...sensitiveValues(runbook, options.parameters)];
  const clean = (text: string | undefined) => (text === undefined ? undefined : maskText(redactSecrets(text, secrets)));
  // a step's structured result (a Redis reply, an HTTP body …) can hold secrets and phones like its
  // output; patient-data fields are masked by the steps that read patient data (sql, http)
  const cleanData = (data: unknown) => mapStrings(data, (text) => clean(text)!);
  const execute = options.mode === 'execute';
  const runId = execute ? randomUUID() : null;
  const vars: Variables = {
    ...options.parameters,
    'env.name': deps.config.envName,
    'env.namespace': deps.config.kubernetes?.namespace ?? 'default',
    'env.redisPrefix': deps.config.redisKeyPrefix,
    'env.apiService': deps.config.kubernetes?.apiService ?? 'medicalcor-api',
    'run.id': runId ?? 'dry-run',
    'run.actor': deps.actor,
  };
  if (execute || referencesDatabase(runbook)) Object.assign(vars, databaseVariables((await deps.database()).url));
  for (const step of runbook.steps) {
    vars[`steps.${step.id}.value`] = `<value of ${step.id}>`;
    vars[`steps.${step.id}.output`] = `<output of ${step.id}>`;
  }
  const rendered = renderSteps(runbook, vars, deps);
  const usesStepValues = (step: RunbookStep) =>
    [...stringsIn(step)].some(([text]) => referencedNames(text).some((n) => STEP_VARIABLE.test(n)));
  const startedAt = new Date();
  const progress = (line: string) => deps.onProgress?.(clean(line)!);
  const total = runbook.steps.length;

  const reports: StepReport[] = rendered.map(({ step, action }, index) => ({
    index,
    id: step.id,
    title: step.title,
    kind: step.kind,
    mutates: step.mutates,
    status: 'not_run',
    action: clean(describeAction(action, secrets))!,
  }));

  let audit: RunbookAudit | undefined;
  let release: (() => void) | undefined;
  if (execute) {
    const db = await deps.database();
    const lease = await acquireRunLease(
      db.pool,
      {
        id: runId!,
        runbookId: runbook.id,
        environment: deps.config.envName,
        actor: deps.actor,
        parameters: publicParameters(runbook, options.parameters),
        resumedFrom: options.resume?.runId,
        rollback: options.rollback,
      },
      {
        timeoutMs: options.lockTimeoutMs,
        ttlMs: options.leaseTtlMs,
        signal: deps.signal,
        onWait: (holder) => progress(`waiting for ${runbook.id} on ${deps.config.envName} to be free: ${holder}`),
      },
    );
    release = () => lease.release();
    audit = new RunbookAudit(db.pool, secrets);
    // a run whose lease was taken over (it looked dead to another runner) stops like Ctrl-C
    deps = { ...deps, signal: AbortSignal.any([deps.signal, lease.lost]) };
  }

  const start = options.resume?.fromIndex ?? 0;
  for (let i = 0; i < start; i++) reports[i]!.status = 'done_earlier';
  const completed: { index: number; undo?: AnyRendered }[] = [...(options.resume?.completedMutating ?? [])];
  let stoppedAt: number | null = null;
  let failure: string | null = null;
  let interrupted = false;

  const attempt = async (
    r: RenderedStep,
    action: AnyRendered,
    mutates: boolean,
    dryRun: boolean,
  ): Promise<{ result: ActionResult; attempts: number }> => {
    const timeoutMs = timeoutOf(r.step);
    let attempts = 0;
    for (;;) {
      attempts += 1;
      const result = await runAction(action, mutates, deps, { signal: deps.signal, timeoutMs, dryRun });
      if (result.ok || result.interrupted || deps.signal.aborted || attempts > r.step.retries)
        return { result, attempts };
      progress(`  attempt ${attempts} failed (${result.error}); retrying in ${r.step.retryDelay}`);
      await sleep(parseDuration(r.step.retryDelay), deps.signal);
    }
  };

  try {
    for (let i = start; i < rendered.length; i++) {
      const r = rendered[i]!;
      const report = reports[i]!;
      if (deps.signal.aborted) {
        interrupted = true;
        stoppedAt = i;
        break;
      }
      const label = `[${i + 1}/${total}] ${r.step.id} (${r.step.kind}${r.step.mutates ? ', mutates' : ''})`;

      const inFlight = options.resume?.inFlight;
      if (execute && inFlight?.index === i) {
        const settled = await settleInFlight(r, inFlight, {
          audit: audit!,
          runId: runId!,
          resumedFrom: options.resume!.runId,
          deps,
          attempt,
        });
        progress(`${label}: in flight when run ${options.resume!.runId} stopped; ${settled.note}`);
        if (settled.verify)
          report.verify = {
            ...settled.verify,
            output: clean(settled.verify.output),
            error: clean(settled.verify.error),
          };
        if (settled.interrupted) {
          interrupted = true;
          stoppedAt = i;
          report.status = 'interrupted';
          break;
        }
        if (settled.done) {
          report.status = 'done_earlier';
          report.output = settled.note;
          completed.push({ index: i });
          continue;
        }
      }

      if (usesStepValues(r.step)) {
        // Re-rendered with what the earlier steps actually returned.
        try {
          Object.assign(r, renderSteps({ ...runbook, steps: [r.step] }, vars, deps, i)[0]!);
          report.action = clean(describeAction(r.action, secrets))!;
        } catch (error) {
          // A value from an earlier step that does not fit (e.g. replicas "abc") fails this step, like any other
          // failure.
          Object.assign(report, { status: 'failed', error: clean((error as Error).message) });
          if (!execute) continue;
          stoppedAt = i;
          failure = report.error!;
          break;
        }
      }
      const dependsOnSkipped = [...stringsIn(r.step)].some(([text]) =>
        referencedNames(text).some((n) => {
          const id = STEP_VARIABLE.exec(n)?.[1];
          return id !== undefined && reports.find((s) => s.id === id)?.status === 'skipped';
        }),
      );
      const dryRunOfKind = stepKind(r.step.kind).dryRun;
      const notInDryRun =
        r.step.dryRun === 'skip' ||
        dependsOnSkipped ||
        dryRunOfKind === 'never' ||
        (r.step.mutates && dryRunOfKind !== 'rolled-back');
      if (!execute && notInDryRun) {
        report.status = 'skipped';
        progress(`${label}: dry run, not run`);
        continue;
      }

      progress(`${label} …`);
      const {
        result: { result, attempts },
        status,
        durationMs,
      } = await runPhase(
        audit,
        {
          runId: runId!,
          stepIndex: i,
          stepId: r.step.id,
          kind: r.step.kind,
          mutates: r.step.mutates,
          phase: 'execute',
        },
        async () => {
          const outcome = await attempt(r, r.action, r.step.mutates, !execute);
          const expected = outcome.result.ok && r.step.expect ? unmet(r.step.expect, outcome.result) : undefined;
          if (expected) Object.assign(outcome.result, { ok: false, error: `expectation not met: ${expected}` });
          return outcome;
        },
        ({ result }) => ({
          status: result.ok ? 'succeeded' : result.interrupted ? 'interrupted' : 'failed',
          exitCode: result.exitCode,
          output: result.output,
          error: result.error,
          undo: result.ok ? result.undo : undefined,
        }),
      );
      vars[`steps.${r.step.id}.value`] = asText(result.value);
      vars[`steps.${r.step.id}.output`] = result.output;
      Object.assign(report, {
        status,
        output: clean(result.output),
        error: clean(result.error),
        exitCode: result.exitCode,
        durationMs,
        attempts,
        data: cleanData(result.data),
      });
      progress(`${label}: ${report.status}${result.ok ? '' : ` — ${report.error}`} (${durationMs}ms)`);

      if (result.interrupted || deps.signal.aborted) {
        interrupted = true;
        stoppedAt = i;
        report.status = 'interrupted';
        break;
      }
      if (!result.ok) {
        if (!execute) continue; // a dry run shows every step, even after a failed read
        stoppedAt = i;
        failure = `step ${i + 1} "${r.step.id}" failed: ${report.error}`;
        break;
      }
      if (!execute) continue;
      if (r.step.mutates) completed.push({ index: i, undo: result.undo });

      if (r.verify) {
        const verify = r.verify;
        const {
          result: { probe, why },
          status: verifyStatus,
          durationMs: verifyMs,
        } = await runPhase(
          audit,
          { runId: runId!, stepIndex: i, stepId: r.step.id, kind: verify.kind, mutates: false, phase: 'verify' },
          async () => {
            const { result: probe } = await attempt(r, verify, false, false);
            return { probe, why: probe.interrupted ? 'interrupted' : unmet(verify.expect, probe) };
          },
          ({ probe, why }) => ({
            status: why ? (probe.interrupted ? 'interrupted' : 'failed') : 'succeeded',
            exitCode: probe.exitCode,
            output: probe.output,
            error: why,
          }),
        );
        report.verify = {
          status: verifyStatus,
          action: clean(describeRenderedProbe(verify, secrets)),
          output: clean(probe.output),
          error: clean(why),
          durationMs: verifyMs,
        };
        progress(`  verify: ${report.verify.status}${why ? ` — ${report.verify.error}` : ''}`);
        if (probe.interrupted || deps.signal.aborted) {
          interrupted = true;
          stoppedAt = i;
          break;
        }
        if (why) {
          report.status = 'failed';
          report.error = `verify failed: ${clean(why)}`;
          stoppedAt = i;
          failure = `step ${i + 1} "${r.step.id}": verify failed: ${why}`;
          break;
        }
      }
    }

    let status: RunbookRunStatus = interrupted ? 'interrupted' : failure ? 'failed' : 'succeeded';
    if (!execute && !interrupted && reports.some((s) => s.status === 'failed')) {
      status = 'failed';
      failure = reports
        .filter((s) => s.status === 'failed')
        .map((s) => `step ${s.index + 1} "${s.id}" failed: ${s.error}`)
        .join('; ');
    }

    if (execute && failure && options.rollback && completed.length) {
      status = await rollBack(completed.reverse(), rendered, reports, audit!, runId!, deps, progress, clean, secrets);
    }
    const why =
      deps.signal.reason instanceof Error && !given.signal.aborted
        ? deps.signal.reason.message
        : 'interrupted (Ctrl-C or a termination signal)';
    if (audit) await audit.finishRun(runId!, status, interrupted ? why : (failure ?? undefined));

    return {
      runId,
      runbook: runbook.id,
      title: runbook.title,
      environment: deps.config.envName,
      mode: options.mode,
      status,
      actor: deps.actor,
      parameters: publicParameters(runbook, options.parameters),
      resumedFrom: options.resume?.runId ?? null,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      stoppedAt,
      error: interrupted ? 'interrupted' : (clean(failure ?? undefined) ?? null),
      steps: reports,
    };
  } catch (error) {
    if (audit) await audit.finishRun(runId!, 'failed', (error as Error).message).catch(() => {});
    throw error;
  } finally {
    release?.();
  }
}

/**
 * The mutating step that was in flight when an earlier runner stopped: did it complete? The
 * operator's (or the caller's) answer, or the step's verify probe, decides; a completed step is
 * recorded as succeeded on this run (so a later resume skips it) and is not run again.
 */
async function settleInFlight(
  r: RenderedStep,
  inFlight: NonNullable<ResumePoint['inFlight']>,
  ctx: {
    audit: RunbookAudit;
    runId: string;
    resumedFrom: string;
    deps: EngineDeps;
    attempt: (
      r: RenderedStep,
      action: AnyRendered,
      mutates: boolean,
      dryRun: boolean,
    ) => Promise<{ result: ActionResult }>;
  },
): Promise<{ done: boolean; interrupted?: boolean; note: string; verify?: PhaseReport }> {
  const start = {
    runId: ctx.runId,
    stepIndex: inFlight.index,
    stepId: r.step.id,
    kind: r.step.kind,
    mutates: r.step.mutates,
  };
  let verify: PhaseReport | undefined;
  let done = inFlight.decision === 'done';
  let note = done
    ? `completed, says ${inFlight.by}: not run again`
    : `not completed, says ${inFlight.by}: running it again`;
  if (inFlight.decision === 'verify' && r.verify) {
    const probe = r.verify;
    const { result, durationMs } = await runPhase(
      ctx.audit,
      { ...start, kind: probe.kind, mutates: false, phase: 'verify' },
      async () => {
        const { result: outcome } = await ctx.attempt(r, probe, false, false);
        return { outcome, why: outcome.interrupted ? 'interrupted' : unmet(probe.expect, outcome) };
      },
      ({ outcome, why }) => ({
        status: why ? (outcome.interrupted ? 'interrupted' : 'failed') : 'succeeded',
        exitCode: outcome.exitCode,
        output: outcome.output,
        error: why,
      }),
    );
    verify = {
      status: result.why ? (result.outcome.interrupted ? 'interrupted' : 'failed') : 'succeeded',
      output: result.outcome.output,
      error: result.why,
      durationMs,
    };
    if (result.outcome.interrupted || ctx.deps.signal.aborted)
      return { done: false, interrupted: true, note: 'interrupted while verifying it', verify };
    done = !result.why;
    note = done
      ? 'its verify holds: completed, not run again'
      : `its verify does not hold (${result.why}): running it again`;
  }
  if (done) {
    await ctx.audit.startStep({ ...start, phase: 'execute' });
    await ctx.audit.finishStep(ctx.runId, inFlight.index, 'execute', {
      status: 'succeeded',
      output: `completed by run ${ctx.resumedFrom} (${note})`,
      durationMs: 0,
    });
  }
  return { done, note, verify };
}

/** Undoes completed mutating steps, newest first; a step without a rollback is reported, not guessed. */
async function rollBack(
  completed: { index: number; undo?: AnyRendered }[],
  rendered: RenderedStep[],
  reports: StepReport[],
  audit: RunbookAudit,
  runId: string,
  deps: EngineDeps,
  progress: (line: string) => void,
  clean: (text: string | undefined) => string | undefined,
  secrets: string[],
): Promise<RunbookRunStatus> {
  // Rollback runs to the end even after Ctrl-C: a half-undone change is worse than a slow exit.
  const signal = new AbortController().signal;
  let failed = false;
  let undone = 0;
  for (const { index, undo } of completed) {
    const r = rendered[index]!;
    const report = reports[index]!;
    const action = r.rollback ?? undo;
    if (!action) {
      report.rollback = { status: 'skipped', error: 'no rollback defined: undo by hand if needed' };
      progress(`rollback [${index + 1}] ${r.step.id}: no rollback defined`);
      continue;
    }
    const { result, status, durationMs } = await runPhase(
      audit,
      { runId, stepIndex: index, stepId: r.step.id, kind: action.kind, mutates: true, phase: 'rollback' },
      () => runAction(action, true, deps, { signal, timeoutMs: timeoutOf(r.step), dryRun: false }),
      (done) => ({
        status: done.ok ? 'succeeded' : 'failed',
        exitCode: done.exitCode,
        output: done.output,
        error: done.error,
      }),
    );
    report.rollback = {
      status,
      action: clean(describeAction(action, secrets)),
      output: clean(result.output),
      error: clean(result.error),
      durationMs,
    };
    progress(
      `rollback [${index + 1}] ${r.step.id}: ${report.rollback.status}` +
        (result.ok ? '' : ` — ${report.rollback.error}`),
    );
    if (result.ok) {
      undone += 1;
      if (report.status === 'succeeded' || report.status === 'failed') report.status = 'rolled_back';
      await audit.setStepStatus(runId, index, 'execute', 'rolled_back').catch(() => {});
    } else {
      failed = true;
    }
  }
  return failed ? 'rollback_failed' : undone ? 'rolled_back' : 'failed';
}
