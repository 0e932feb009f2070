import type { Pool, PoolClient } from 'pg';
import { rethrowSchemaMissing } from '../errors.js';
import { recordOperatorAction, type OperatorContext } from '../events/operations-log.js';
import { redactSecrets } from '../redact.js';
import { maskText } from '../mask/index.js';
import type { ReplayCredential } from './endpoint.js';
import { replayBreakerName, type ReplayGuard } from './guard.js';
import { listDeadLetters, REPLAYABLE_STATUSES, type DeadLetterSummary } from './query.js';

export type ReplayOutcome =
  /** dry run: would be posted */
  | 'would-replay'
  | 'replayed'
  | 'failed'
  /** the type's breaker was open */
  | 'skipped-breaker-open'
  /** another replay holds it, or it was processed meanwhile */
  | 'skipped-taken'
  /** stopped before its turn */
  | 'not-attempted';

export interface ReplayEntryResult {
  id: string;
  webhookType: string;
  correlationId: string | null;
  outcome: ReplayOutcome;
  httpStatus?: number;
  /** masked */
  error?: string;
  retryCount: number;
  status: string;
  auditId?: number;
}

export interface ReplayTypeSummary {
  webhookType: string;
  breaker: string;
  breakerState: string;
  replayed: number;
  failed: number;
  skipped: number;
  /** the breaker opened (or was open): later entries of this type were not posted */
  stopped: boolean;
}

export interface ReplayReport {
  dryRun: boolean;
  entries: ReplayEntryResult[];
  types: ReplayTypeSummary[];
  interrupted: boolean;
  /** a post failed or a type was stopped by its breaker */
  problem: boolean;
}

export interface ReplayOptions {
  types?: readonly string[];
  ids?: readonly string[];
  limit?: number;
  /** post for real; otherwise list what would be posted */
  execute: boolean;
  /** at most this many posts per second, across types */
  ratePerSecond?: number;
  endpoint?: (type: string) => string;
  /** sent with every post; its value is removed from every error, audit row and report */
  credential?: ReplayCredential;
  guard?: ReplayGuard;
  operator: OperatorContext;
  timeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, last: ReplayEntryResult) => void;
  fetch?: typeof fetch;
}

/**
 * Re-posts dead letters to the platform's replay endpoint, oldest first, one at a time. Each type
 * goes through its shared breaker: once `dlq-<type>` is open, that type's remaining entries are
 * skipped and the other types go on. Each post runs in a transaction that holds the row (so two
 * replays never post one letter twice), updates retry_count, status and last_error, and writes
 * its audit row.
 */
export async function replayDeadLetters(pool: Pool, options: ReplayOptions): Promise<ReplayReport> {
  const candidates = await listDeadLetters(pool, {
    types: options.types,
    ids: options.ids,
    statuses: REPLAYABLE_STATUSES,
    limit: options.limit ?? 100,
  });
  const types = new Map<string, ReplayTypeSummary>();
  for (const entry of candidates) {
    if (types.has(entry.webhookType)) continue;
    const breaker = replayBreakerName(entry.webhookType);
    const breakerState = options.guard ? await options.guard.peek(breaker).catch(() => 'unknown') : 'unknown';
    types.set(entry.webhookType, {
      webhookType: entry.webhookType,
      breaker,
      breakerState,
      replayed: 0,
      failed: 0,
      skipped: 0,
      stopped: false,
    });
  }
  const entries: ReplayEntryResult[] = [];
  if (!options.execute) {
    for (const c of candidates) entries.push({ ...base(c), outcome: 'would-replay' });
    return { dryRun: true, entries, types: [...types.values()], interrupted: false, problem: false };
  }
  const post = options.fetch ?? fetch;
  const spacingMs = options.ratePerSecond ? 1_000 / options.ratePerSecond : 0;
  let nextAt = 0;
  let interrupted = false;
  for (const candidate of candidates) {
    const summary = types.get(candidate.webhookType)!;
    if (options.signal?.aborted) {
      interrupted = true;
      entries.push({ ...base(candidate), outcome: 'not-attempted' });
      continue;
    }
    if (summary.stopped) {
      summary.skipped++;
      entries.push({ ...base(candidate), outcome: 'skipped-breaker-open' });
      continue;
    }
    if (options.guard) {
      const gate = await options.guard.allow(summary.breaker);
      summary.breakerState = gate.state;
      if (!gate.allowed) {
        summary.stopped = true;
        summary.skipped++;
        entries.push({ ...base(candidate), outcome: 'skipped-breaker-open' });
        continue;
      }
    }
    const wait = nextAt - Date.now();
    if (wait > 0) await sleep(wait, options.signal);
    if (options.signal?.aborted) {
      interrupted = true;
      entries.push({ ...base(candidate), outcome: 'not-attempted' });
      continue;
    }
    nextAt = Date.now() + spacingMs;
    const result = await replayOne(pool, candidate, { ...options, post });
    entries.push(result);
    if (result.outcome === 'replayed') summary.replayed++;
    else if (result.outcome === 'failed') summary.failed++;
    else summary.skipped++;
    if (options.guard && (result.outcome === 'replayed' || result.outcome === 'failed')) {
      if (result.outcome === 'replayed') await options.guard.success(summary.breaker);
      else await options.guard.failure(summary.breaker, new Error(result.error ?? 'replay failed'));
    }
    options.onProgress?.(entries.length, candidates.length, result);
  }
  const summaries = [...types.values()];
  const problem = summaries.some((t) => t.failed > 0 || t.stopped);
  return { dryRun: false, entries, types: summaries, interrupted, problem };
}

function base(c: DeadLetterSummary): Omit<ReplayEntryResult, 'outcome'> {
  return {
    id: c.id,
    webhookType: c.webhookType,
    correlationId: c.correlationId,
    retryCount: c.retryCount,
    status: c.status,
  };
}

async function replayOne(
  pool: Pool,
  candidate: DeadLetterSummary,
  options: ReplayOptions & { post: typeof fetch },
): Promise<ReplayEntryResult> {
  const client: PoolClient = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(
      `SELECT id::text, webhook_type, correlation_id, payload, retry_count, max_retries FROM webhook_dead_letters
        WHERE id = $1 AND status = ANY($2::text[]) FOR UPDATE SKIP LOCKED`,
      [candidate.id, [...REPLAYABLE_STATUSES]],
    );
    const row = rows[0];
    if (!row) {
      await client.query('ROLLBACK');
      return { ...base(candidate), outcome: 'skipped-taken' };
    }
    const url = options.endpoint!(row.webhook_type);
    let httpStatus: number | undefined;
    let error: string | undefined;
    try {
      const response = await options.post(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': `dlq-${row.id}`,
          ...(options.credential ? { [options.credential.header]: options.credential.value } : {}),
          ...(row.correlation_id ? { 'x-correlation-id': row.correlation_id } : {}),
        },
        body: JSON.stringify({
          id: row.id,
          webhookType: row.webhook_type,
          correlationId: row.correlation_id,
          retryCount: row.retry_count,
          payload: row.payload,
        }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      httpStatus = response.status;
      const body = await response.text().catch(() => '');
      if (!response.ok) error = `HTTP ${response.status}${body ? `: ${body.split('\n')[0]!.slice(0, 200)}` : ''}`;
    } catch (failure) {
      error =
        (failure as Error).name === 'TimeoutError'
          ? `no answer within ${options.timeoutMs ?? 10_000} ms`
          : String((failure as Error).message);
    }
    const retryCount = row.retry_count + 1;
    // an endpoint may echo the credential back in its error body: it is removed before anything keeps it
    const known = options.credential
      ? [options.credential.value, options.credential.value.replace(/^Bearer /, '')]
      : [];
    const masked = error === undefined ? undefined : maskText(redactSecrets(error, known)).slice(0, 500);
    const status = error === undefined ? 'processed' : retryCount >= row.max_retries ? 'failed' : 'retrying';
    await client.query(
      `UPDATE webhook_dead_letters
          SET retry_count = $2, status = $3, last_error = CASE WHEN $4::text IS NULL THEN last_error ELSE $4 END,
              processed_at = CASE WHEN $3 = 'processed' THEN now() ELSE processed_at END, updated_at = now()
        WHERE id = $1`,
      [row.id, retryCount, status, masked ?? null],
    );
    const auditId = await recordOperatorAction(client, {
      operation: 'dlq.replay',
      target: row.id,
      ...options.operator,
      outcome: error === undefined ? 'succeeded' : 'failed',
      details: {
        webhookType: row.webhook_type,
        url,
        httpStatus: httpStatus ?? null,
        retryCount,
        status,
        ...(masked ? { error: masked } : {}),
      },
    });
    await client.query('COMMIT');
    return {
      ...base(candidate),
      outcome: error === undefined ? 'replayed' : 'failed',
      httpStatus,
      error: masked,
      retryCount,
      status,
      auditId,
    };
  } catch (failure) {
    await client.query('ROLLBACK').catch(() => {});
    rethrowSchemaMissing(failure);
  } finally {
    client.release();
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
