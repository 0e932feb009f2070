import { hostname } from 'node:os';
import type { Pool } from '../db/index.js';
import { conflict, interrupted, rethrowSchemaMissing } from '../errors.js';
import { getRun, type RunRow } from './audit.js';

/**
 * One real run of a runbook per environment, as a lease on its runbook_runs row: the row names
 * its runner (host and pid) and a heartbeat keeps `lease_expires_at` ahead of now. A unique
 * index allows one running row per runbook and environment, so the database decides between
 * two runners. A lease whose runner is gone (its pid is dead on this host, or the heartbeat
 * stopped) is taken over: the dead run is closed as interrupted and the new one starts.
 */

export interface LeaseHolder {
  host: string;
  pid: number;
}

export const thisRunner = (): LeaseHolder => ({ host: hostname(), pid: process.pid });

export interface NewRun {
  id: string;
  runbookId: string;
  environment: string;
  actor: string;
  parameters: Record<string, string>;
  resumedFrom?: string;
  rollback: boolean;
}

export interface LeaseOptions {
  /** how long to wait for a live holder to finish (0: refuse at once) */
  timeoutMs: number;
  /** how long the lease lasts without a heartbeat (default 30 s); the heartbeat runs every third of it */
  ttlMs?: number;
  onWait?(holder: string): void;
  holder?: LeaseHolder;
  /** Ctrl-C while waiting: stop waiting, record nothing */
  signal?: AbortSignal;
}

export interface RunLease {
  /** aborted when another runner took the lease over (this one looked dead): the run must stop */
  lost: AbortSignal;
  /** stops the heartbeat; the row's final status is written by the audit */
  release(): void;
}

export const DEFAULT_LEASE_TTL_MS = 30_000;
const RUNNING_KEY = 'runbook_runs_running_key';

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface LeaseState {
  holder?: LeaseHolder;
  heartbeatAt: Date | null;
  expired: boolean;
}

/** Why the runner of a running run is known to be gone, or undefined while it may be alive. */
export function goneBecause(state: LeaseState, here: LeaseHolder = thisRunner()): string | undefined {
  if (!state.holder) return 'it has no lease (started before leases were recorded)';
  if (state.holder.host === here.host && !pidAlive(state.holder.pid))
    return `its runner (pid ${state.holder.pid} on ${state.holder.host}) is gone`;
  if (state.expired) return `its runner (pid ${state.holder.pid} on ${state.holder.host}) stopped its heartbeat`;
  return undefined;
}

export async function leaseState(pool: Pool, runId: string): Promise<LeaseState | undefined> {
  const { rows } = await pool.query(
    `select holder_host, holder_pid, heartbeat_at, coalesce(lease_expires_at < now(), false) as expired
       from runbook_runs where id = $1`,
    [runId],
  );
  const row = rows[0] as
    | { holder_host: string | null; holder_pid: string | null; heartbeat_at: Date | null; expired: boolean }
    | undefined;
  if (!row) return undefined;
  const holder = row.holder_host && row.holder_pid ? { host: row.holder_host, pid: Number(row.holder_pid) } : undefined;
  return { holder, heartbeatAt: row.heartbeat_at, expired: row.expired };
}

/** Closes a running run whose runner is gone; false when it was not running any more (someone else did). */
export async function takeOver(pool: Pool, run: RunRow, why: string): Promise<boolean> {
  const { rowCount } = await pool.query(
    `update runbook_runs set status = 'interrupted', finished_at = greatest(now(), started_at),
            error = $2, lease_expires_at = null
      where id = $1 and status = 'running'`,
    [run.id, `the run stopped without finishing: ${why}`],
  );
  // its step rows still say running: they were in flight when the runner died
  await pool.query(`update runbook_step_runs set status = 'interrupted' where run_id = $1 and status = 'running'`, [
    run.id,
  ]);
  return (rowCount ?? 0) > 0;
}

async function runningRow(pool: Pool, runbookId: string, environment: string): Promise<RunRow | undefined> {
  const { rows } = await pool.query(
    `select id from runbook_runs where runbook_id = $1 and environment = $2 and status = 'running' limit 1`,
    [runbookId, environment],
  );
  return rows[0] ? getRun(pool, rows[0].id as string) : undefined;
}

function describeHolder(run: RunRow, state: LeaseState | undefined): string {
  const by = state?.holder ? ` (pid ${state.holder.pid} on ${state.holder.host})` : '';
  return `run ${run.id} by ${run.actor}${by} since ${run.startedAt.toISOString()}`;
}

/** Inserts the run as running, holding the lease, or waits for / takes over the current holder. */
export async function acquireRunLease(pool: Pool, run: NewRun, options: LeaseOptions): Promise<RunLease> {
  const holder = options.holder ?? thisRunner();
  const ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  const deadline = Date.now() + options.timeoutMs;
  let announced = false;
  for (;;) {
    if (options.signal?.aborted) {
      throw interrupted(`Stopped while waiting for runbook ${run.runbookId} on ${run.environment}; nothing was run.`, {
        code: 'runbook.lease-wait-interrupted',
        facts: { runbookId: run.runbookId, environment: run.environment },
      });
    }
    try {
      await pool.query(
        `insert into runbook_runs (id, runbook_id, environment, actor, mode, status, parameters, resumed_from,
                                   holder_host, holder_pid, heartbeat_at, lease_expires_at, rollback_on_failure)
         values ($1, $2, $3, $4, 'execute', 'running', $5, $6, $7, $8,
                 now(), now() + $9 * interval '1 millisecond', $10)`,
        [
          run.id,
          run.runbookId,
          run.environment,
          run.actor,
          JSON.stringify(run.parameters),
          run.resumedFrom ?? null,
          holder.host,
          holder.pid,
          ttlMs,
          run.rollback,
        ],
      );
      return startHeartbeat(pool, run.id, holder, ttlMs);
    } catch (error) {
      const e = error as { code?: string; constraint?: string };
      if (e.code !== '23505' || e.constraint !== RUNNING_KEY) rethrowSchemaMissing(error);
    }
    const current = await runningRow(pool, run.runbookId, run.environment);
    if (!current) continue; // it finished between the insert and the read
    const state = await leaseState(pool, current.id);
    const gone = state && goneBecause(state, holder);
    if (gone) {
      await takeOver(pool, current, gone);
      continue;
    }
    const who = describeHolder(current, state);
    if (Date.now() >= deadline) {
      throw conflict(`Runbook ${run.runbookId} is already running on ${run.environment}: ${who}.`, {
        code: 'runbook.running',
        facts: { runbookId: run.runbookId, environment: run.environment, runId: current.id, actor: current.actor },
        remedy: 'Nothing was run. Wait for that run to finish, or wait for its lease.',
      });
    }
    if (!announced) options.onWait?.(who);
    announced = true;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, 250);
      function done() {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', done);
        resolve();
      }
      options.signal?.addEventListener('abort', done, { once: true });
    });
  }
}

function startHeartbeat(pool: Pool, runId: string, holder: LeaseHolder, ttlMs: number): RunLease {
  const lost = new AbortController();
  const beat = async () => {
    try {
      const { rowCount } = await pool.query(
        `update runbook_runs set heartbeat_at = now(), lease_expires_at = now() + $4 * interval '1 millisecond'
          where id = $1 and status = 'running' and holder_host = $2 and holder_pid = $3`,
        [runId, holder.host, holder.pid, ttlMs],
      );
      if (rowCount === 0) lost.abort(new Error('the lease was taken over by another runner'));
    } catch {
      // the database is unreachable for a moment: the lease runs out by itself if this lasts
    }
  };
  const timer = setInterval(() => void beat(), Math.max(100, Math.floor(ttlMs / 3)));
  timer.unref();
  return { lost: lost.signal, release: () => clearInterval(timer) };
}
