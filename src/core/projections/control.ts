import type { Pool } from 'pg';
import { conflict, interrupted, invalidInput, notFound, rethrowSchemaMissing, unavailable } from '../errors.js';
import { recordOperatorAction, type OperatorContext } from '../events/operations-log.js';
import { ProjectionHealthMonitor, type ProjectionStatus } from './health.js';

export interface ProjectionChange {
  projection: string;
  operation: 'projection.pause' | 'projection.resume' | 'projection.rewind' | 'projection.rebuild';
  before: { state: string; position: number };
  after: { state: string; position: number };
  /** false when it was already in the asked-for state */
  changed: boolean;
  auditId: number | null;
}

interface Checkpoint {
  status: string;
  last_position: string;
}

async function lockCheckpoint(client: { query: Pool['query'] }, name: string): Promise<Checkpoint> {
  const { rows } = await client.query<Checkpoint>(
    'SELECT status, last_position::text FROM projection_checkpoints WHERE projection_name = $1 FOR UPDATE',
    [name],
  );
  if (!rows[0]) {
    const known = (
      await client.query<{ n: string }>('SELECT projection_name AS n FROM projection_checkpoints ORDER BY 1')
    ).rows.map((r) => r.n);
    throw notFound(`No projection named "${name}" in projection_checkpoints.`, {
      code: 'projections.not-found',
      facts: { name, known },
      remedy: known.length
        ? `Known projections: ${known.join(', ')}.`
        : 'No projector has registered a checkpoint on this database yet.',
    });
  }
  return rows[0];
}

/** One transaction: lock the checkpoint, change it, write the audit row. */
async function change(
  pool: Pool,
  name: string,
  operator: OperatorContext,
  operation: ProjectionChange['operation'],
  apply: (
    current: Checkpoint,
    client: { query: Pool['query'] },
  ) => Promise<{ state: string; position: number; details?: Record<string, unknown> } | undefined>,
): Promise<ProjectionChange> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const current = await lockCheckpoint(client, name);
    const before = { state: current.status, position: Number(current.last_position) };
    const after = await apply(current, client);
    let auditId: number | null = null;
    if (after) {
      auditId = await recordOperatorAction(client, {
        operation,
        target: name,
        ...operator,
        outcome: 'succeeded',
        details: { before, after: { state: after.state, position: after.position }, ...after.details },
      });
    }
    await client.query('COMMIT');
    return { projection: name, operation, before, after: after ?? before, changed: Boolean(after), auditId };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    rethrowSchemaMissing(error);
  } finally {
    client.release();
  }
}

/** The projector stops applying events at its checkpoint until resumed. */
export function pauseProjection(pool: Pool, name: string, operator: OperatorContext): Promise<ProjectionChange> {
  return change(pool, name, operator, 'projection.pause', async (current, client) => {
    if (current.status === 'paused') return undefined;
    if (current.status === 'rebuilding') {
      throw conflict(`Projection ${name} is rebuilding; pausing now would leave it half rebuilt.`, {
        code: 'projections.rebuilding',
        facts: { name },
      });
    }
    await client.query(
      `UPDATE projection_checkpoints SET status = 'paused', updated_at = now() WHERE projection_name = $1`,
      [name],
    );
    return { state: 'paused', position: Number(current.last_position) };
  });
}

/** Back to active; a failed projection's error is cleared so its next failure is its own. */
export function resumeProjection(pool: Pool, name: string, operator: OperatorContext): Promise<ProjectionChange> {
  return change(pool, name, operator, 'projection.resume', async (current, client) => {
    if (current.status === 'active') return undefined;
    if (current.status === 'rebuilding') {
      throw conflict(`Projection ${name} is rebuilding; it becomes active by itself when it has caught up.`, {
        code: 'projections.rebuilding',
        facts: { name },
      });
    }
    await client.query(
      `UPDATE projection_checkpoints SET status = 'active', error = NULL, updated_at = now() WHERE projection_name = ` +
        '$1',
      [name],
    );
    return { state: 'active', position: Number(current.last_position), details: { previous: current.status } };
  });
}

export type RewindTarget = { position: number } | { time: Date };

/** Moves the checkpoint back, so the projector re-applies the events after it. */
export function rewindProjection(
  pool: Pool,
  name: string,
  to: RewindTarget,
  operator: OperatorContext,
): Promise<ProjectionChange> {
  return change(pool, name, operator, 'projection.rewind', async (current, client) => {
    const position = 'position' in to ? to.position : await positionBefore(client, to.time);
    const from = Number(current.last_position);
    if (position > from) {
      throw invalidInput(
        `Projection ${name} is at position ${from}; rewinding moves it back, not forward to ${position}.`,
        {
          code: 'projections.rewind-forward',
          facts: { name, position: from, to: position },
          remedy: 'Give a position at or before the checkpoint.',
        },
      );
    }
    await client.query(
      'UPDATE projection_checkpoints SET last_position = $2, last_event_id = NULL, updated_at = now() WHERE ' +
        'projection_name = $1',
      [name, position],
    );
    return { state: current.status, position, details: { to: 'time' in to ? to.time.toISOString() : position } };
  });
}

/** The last position that occurred before `time`: events at or after it are replayed. */
async function positionBefore(client: { query: Pool['query'] }, time: Date): Promise<number> {
  const { rows } = await client.query<{ p: string | null }>(
    'SELECT max(global_position)::text AS p FROM domain_events WHERE occurred_at < $1',
    [time],
  );
  return Number(rows[0]?.p ?? 0);
}

/**
 * Resets the checkpoint to 0 with state 'rebuilding' and the head as the target: the projector
 * truncates its read model, replays from the start and goes back to active when it has passed the
 * target.
 */
export function rebuildProjection(pool: Pool, name: string, operator: OperatorContext): Promise<ProjectionChange> {
  return change(pool, name, operator, 'projection.rebuild', async (current, client) => {
    const { rows } = await client.query<{ head: string }>(
      'SELECT coalesce(max(global_position), 0)::text AS head FROM domain_events',
    );
    const target = Number(rows[0]!.head);
    await client.query(
      `UPDATE projection_checkpoints
          SET last_position = 0, last_event_id = NULL, status = 'rebuilding', error = NULL,
              rebuild_target_position = $2, rebuild_started_at = now(), updated_at = now()
        WHERE projection_name = $1`,
      [name, target],
    );
    return { state: 'rebuilding', position: 0, details: { targetPosition: target, previous: current.status } };
  });
}

export interface WaitOptions {
  /** the position to reach (default: the rebuild target, else the head when the wait starts) */
  targetPosition?: number;
  intervalMs?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (status: ProjectionStatus, target: number) => void;
}

/** Polls until the projection is active at or past the target; fails when it fails, stops on the signal. */
export async function waitUntilCaughtUp(
  pool: Pool,
  name: string,
  options: WaitOptions = {},
): Promise<ProjectionStatus> {
  const monitor = new ProjectionHealthMonitor(pool);
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  let target = options.targetPosition;
  for (;;) {
    const [status] = await monitor.status([name]);
    if (!status)
      throw notFound(`No projection named "${name}" in projection_checkpoints.`, {
        code: 'projections.not-found',
        facts: { name, known: [] },
      });
    target ??= status.rebuild?.targetPosition ?? status.head;
    options.onProgress?.(status, target);
    if (status.state === 'failed') {
      throw unavailable(
        `Projection ${name} failed at position ${status.position}: ${status.lastError ?? 'no error recorded'}`,
        {
          code: 'projections.failed',
          facts: { name, position: status.position },
          remedy: "Fix the projector's error, then rebuild or resume it.",
        },
      );
    }
    // a projector that never flips 'rebuilding' back is caught up all the same once it passes the target
    if (status.position >= target) return status;
    if (Date.now() > deadline) {
      throw unavailable(
        `Projection ${name} reached position ${status.position} of ${target} before the wait timed out.`,
        {
          code: 'projections.wait-timeout',
          facts: { name, position: status.position, target },
          remedy: 'The rebuild goes on; look again with the projection status.',
        },
      );
    }
    await sleep(options.intervalMs ?? 1_000, options.signal);
    if (options.signal?.aborted) {
      throw interrupted(
        `Stopped waiting for ${name} at position ${status.position} of ${target}; the projector goes on.`,
        {
          code: 'projections.wait-interrupted',
          facts: { name, position: status.position, target },
        },
      );
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
