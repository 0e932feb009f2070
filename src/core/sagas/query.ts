import type { Pool } from 'pg';
import { invalidInput, notFound, rethrowSchemaMissing } from '../errors.js';
import { typedValue } from '../mask/typed-value.js';
import { maskValue } from '../mask/index.js';

/** A saga still in progress that has not moved for this long is stuck. */
export const SAGA_STUCK_AFTER_SECONDS = 1_800;

export const SAGA_STATUSES = [
  'pending',
  'running',
  'compensating',
  'completed',
  'failed',
  'compensated',
  'timed_out',
] as const;
export type SagaStatusName = (typeof SAGA_STATUSES)[number];
const IN_PROGRESS = ['pending', 'running', 'compensating'];

type Db = { query: Pool['query'] };

export interface SagaSummary {
  sagaId: string;
  sagaType: string;
  correlationId: string;
  status: SagaStatusName;
  currentStep: string | null;
  startedAt: string;
  updatedAt: string;
  timeoutAt: string | null;
  idleSeconds: number;
  stuck: boolean;
  error: string | null;
}

export interface SagaDetail extends SagaSummary {
  completedAt: string | null;
  /** masked: saga state may carry patient details */
  state: unknown;
  steps: { step: string; status: string; at: string | null; durationMs: number | null; error: string | null }[];
}

export interface SagaListOptions {
  status?: readonly string[];
  stuck?: boolean;
  type?: string;
  limit?: number;
  stuckAfterSeconds?: number;
}

const STUCK = `(s.status = ANY('{pending,running,compensating}')
  AND (s.timeout_at < now() OR s.updated_at < now() - make_interval(secs => $1)))`;

function columns(): string {
  return `s.saga_id::text, s.saga_type, s.correlation_id, s.status, s.current_step, s.started_at, s.updated_at,
          s.timeout_at, s.completed_at, s.error, extract(epoch FROM now() - s.updated_at)::float8 AS idle,
          ${STUCK} AS stuck`;
}

function toSummary(r: any): SagaSummary {
  const inProgress = IN_PROGRESS.includes(r.status);
  return {
    sagaId: r.saga_id,
    sagaType: r.saga_type,
    correlationId: r.correlation_id,
    status: r.status,
    currentStep: r.current_step,
    startedAt: r.started_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    timeoutAt: r.timeout_at?.toISOString() ?? null,
    idleSeconds: inProgress ? Math.max(0, r.idle) : 0,
    stuck: r.stuck === true,
    error: r.error,
  };
}

export function checkSagaStatuses(statuses: readonly string[]): void {
  const unknown = statuses.filter((s) => !(SAGA_STATUSES as readonly string[]).includes(s));
  if (unknown.length) {
    throw invalidInput(`Unknown saga status ${unknown.map((s) => `"${s}"`).join(', ')}.`, {
      code: 'sagas.unknown-status',
      facts: { unknown, known: SAGA_STATUSES },
      remedy: `Saga statuses: ${SAGA_STATUSES.join(', ')}.`,
    });
  }
}

/** Sagas newest-moved first, filtered by status, type, or stuck (in progress and idle or past timeout). */
export async function listSagas(db: Db, options: SagaListOptions = {}): Promise<SagaSummary[]> {
  if (options.status) checkSagaStatuses(options.status);
  const values: unknown[] = [options.stuckAfterSeconds ?? SAGA_STUCK_AFTER_SECONDS];
  const where: string[] = [];
  if (options.status?.length) {
    values.push([...options.status]);
    where.push(`s.status = ANY($${values.length}::text[])`);
  }
  if (options.type) {
    values.push(options.type);
    where.push(`s.saga_type = $${values.length}`);
  }
  if (options.stuck) where.push(STUCK);
  values.push(options.limit ?? 50);
  try {
    const { rows } = await db.query(
      `SELECT ${columns()} FROM saga_store s ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY s.updated_at ${options.stuck ? 'ASC' : 'DESC'} LIMIT $${values.length}`,
      values,
    );
    return rows.map(toSummary);
  } catch (error) {
    rethrowSchemaMissing(error);
  }
}

export async function showSaga(db: Db, sagaId: string): Promise<SagaDetail> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(sagaId)) {
    throw invalidInput(`${typedValue(sagaId)} is not a saga id (a UUID).`, { code: 'sagas.bad-id', facts: { sagaId } });
  }
  let row: any;
  try {
    ({
      rows: [row],
    } = await db.query(`SELECT ${columns()}, s.state, s.step_history FROM saga_store s WHERE s.saga_id = $2`, [
      SAGA_STUCK_AFTER_SECONDS,
      sagaId,
    ]));
  } catch (error) {
    rethrowSchemaMissing(error);
  }
  if (!row) throw notFound(`No saga ${sagaId} in saga_store.`, { code: 'sagas.not-found', facts: { sagaId } });
  const steps = (Array.isArray(row.step_history) ? row.step_history : []).map((s: any) => ({
    step: String(s?.step ?? ''),
    status: String(s?.status ?? ''),
    at: s?.at ?? null,
    durationMs: typeof s?.durationMs === 'number' ? s.durationMs : null,
    error: typeof s?.error === 'string' ? String(maskValue(s.error)) : null,
  }));
  return {
    ...toSummary(row),
    completedAt: row.completed_at?.toISOString() ?? null,
    state: maskValue(row.state),
    steps,
  };
}

export interface StuckSagaGroup {
  sagaType: string;
  count: number;
  oldestIdleSeconds: number;
  pastTimeout: number;
}

/** What `check` reports: stuck sagas grouped by type, most first. */
export async function stuckSagasByType(
  db: Db,
  stuckAfterSeconds = SAGA_STUCK_AFTER_SECONDS,
): Promise<StuckSagaGroup[]> {
  try {
    const { rows } = await db.query(
      `SELECT s.saga_type, count(*)::int AS n, extract(epoch FROM now() - min(s.updated_at))::float8 AS oldest_age,
              count(*) FILTER (WHERE s.timeout_at < now())::int AS past_timeout
         FROM saga_store s WHERE ${STUCK}
        GROUP BY s.saga_type ORDER BY count(*) DESC, s.saga_type`,
      [stuckAfterSeconds],
    );
    return rows.map((r: any) => ({
      sagaType: r.saga_type,
      count: r.n,
      oldestIdleSeconds: r.oldest_age,
      pastTimeout: r.past_timeout,
    }));
  } catch (error) {
    rethrowSchemaMissing(error);
  }
}
