import type { Pool } from '../db/index.js';
import { redactForStorage } from '../redact.js';

/** runbook_runs / runbook_step_runs: who ran what, when, with which parameters, and each step's outcome. */

export type RunbookRunStatus = 'running' | 'succeeded' | 'failed' | 'rolled_back' | 'rollback_failed' | 'interrupted';
export type StepStatus = 'running' | 'succeeded' | 'failed' | 'skipped' | 'rolled_back' | 'interrupted';
export type StepPhase = 'execute' | 'verify' | 'rollback';

const OUTPUT_LIMIT = 4_000;

export interface RunRow {
  id: string;
  runbookId: string;
  environment: string;
  actor: string;
  mode: 'dry_run' | 'execute';
  status: RunbookRunStatus;
  parameters: Record<string, string>;
  startedAt: Date;
  finishedAt: Date | null;
  resumedFrom: string | null;
  error: string | null;
  /** false when the run was started with rollback off; a resumed run keeps it */
  rollback: boolean;
}

export interface StepRow {
  runId: string;
  stepIndex: number;
  stepId: string;
  kind: string;
  mutates: boolean;
  phase: StepPhase;
  status: StepStatus;
  exitCode: number | null;
  output: string | null;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  /** the automatic undo of a completed mutating step (a rendered action), if it had one */
  undo: unknown;
}

const runColumns = `id, runbook_id as "runbookId", environment, actor, mode, status, parameters,
  started_at as "startedAt", finished_at as "finishedAt", resumed_from as "resumedFrom", error,
  rollback_on_failure as "rollback"`;

export interface StepOutcomeRow {
  status: StepStatus;
  exitCode?: number | null;
  output?: string;
  error?: string;
  durationMs: number;
  undo?: unknown;
}

export class RunbookAudit {
  constructor(
    private readonly pool: Pool,
    private readonly secrets: readonly string[],
  ) {}

  private clean(text: string | undefined | null): string | null {
    return text ? redactForStorage(text, OUTPUT_LIMIT, this.secrets) : null;
  }

  async finishRun(id: string, status: RunbookRunStatus, error?: string): Promise<void> {
    await this.pool.query(
      `update runbook_runs set status = $2, finished_at = greatest(now(), started_at), error = $3,
              lease_expires_at = null where id = $1`,
      [id, status, this.clean(error)],
    );
  }

  async startStep(step: Pick<StepRow, 'runId' | 'stepIndex' | 'stepId' | 'kind' | 'mutates' | 'phase'>): Promise<void> {
    await this.pool.query(
      `insert into runbook_step_runs (run_id, step_index, step_id, kind, mutates, phase, status)
       values ($1, $2, $3, $4, $5, $6, 'running')
       on conflict (run_id, step_index, phase)
       do update set status = 'running', started_at = now(), finished_at = null`,
      [step.runId, step.stepIndex, step.stepId, step.kind, step.mutates, step.phase],
    );
  }

  async finishStep(runId: string, stepIndex: number, phase: StepPhase, outcome: StepOutcomeRow): Promise<void> {
    await this.pool.query(
      `update runbook_step_runs set status = $4, exit_code = $5, output = $6, error = $7, finished_at = now(),
              duration_ms = $8, undo = $9 where run_id = $1 and step_index = $2 and phase = $3`,
      [
        runId,
        stepIndex,
        phase,
        outcome.status,
        outcome.exitCode ?? null,
        this.clean(outcome.output),
        this.clean(outcome.error),
        Math.max(0, Math.round(outcome.durationMs)),
        outcome.undo === undefined ? null : JSON.stringify(outcome.undo),
      ],
    );
  }

  async setStepStatus(runId: string, stepIndex: number, phase: StepPhase, status: StepStatus): Promise<void> {
    await this.pool.query(
      `update runbook_step_runs set status = $4 where run_id = $1 and step_index = $2 and phase = $3`,
      [runId, stepIndex, phase, status],
    );
  }
}

export async function getRun(pool: Pool, id: string): Promise<RunRow | undefined> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return undefined;
  const { rows } = await pool.query(`select ${runColumns} from runbook_runs where id = $1`, [id]);
  return rows[0];
}

export async function runResumedBy(pool: Pool, id: string): Promise<RunRow | undefined> {
  const { rows } = await pool.query(
    `select ${runColumns} from runbook_runs where resumed_from = $1 order by started_at desc limit 1`,
    [id],
  );
  return rows[0];
}

export async function listRuns(
  pool: Pool,
  filter: { runbookId?: string; environment?: string; limit: number },
): Promise<RunRow[]> {
  const { rows } = await pool.query(
    `select ${runColumns} from runbook_runs
      where ($1::text is null or runbook_id = $1) and ($2::text is null or environment = $2)
      order by started_at desc limit $3`,
    [filter.runbookId ?? null, filter.environment ?? null, filter.limit],
  );
  return rows;
}

export async function stepsOf(pool: Pool, runIds: readonly string[]): Promise<StepRow[]> {
  const { rows } = await pool.query(
    `select run_id as "runId", step_index as "stepIndex", step_id as "stepId", kind, mutates, phase, status,
            exit_code as "exitCode", output, error, started_at as "startedAt", finished_at as "finishedAt",
            duration_ms as "durationMs", undo
       from runbook_step_runs where run_id = any($1::uuid[])
      order by started_at, step_index, case phase when 'execute' then 0 when 'verify' then 1 else 2 end`,
    [runIds],
  );
  return rows;
}

/** The run and the runs it resumed, oldest first. */
export async function runChain(pool: Pool, id: string): Promise<RunRow[]> {
  const chain: RunRow[] = [];
  let current = await getRun(pool, id);
  while (current && chain.length < 100) {
    chain.unshift(current);
    current = current.resumedFrom ? await getRun(pool, current.resumedFrom) : undefined;
  }
  return chain;
}
