import type { Pool } from 'pg';
import { invalidInput, notFound, rethrowSchemaMissing } from '../errors.js';
import { maskText, maskValue } from '../mask/index.js';

export const WEBHOOK_TYPES = ['whatsapp', 'voice', 'vapi', 'stripe', 'hubspot', 'booking', 'crm'] as const;
export const DLQ_STATUSES = ['pending', 'retrying', 'processed', 'failed', 'expired', 'discarded'] as const;
/** what a replay takes by default: everything not processed or discarded */
export const REPLAYABLE_STATUSES = ['pending', 'retrying', 'failed', 'expired'] as const;
export type WebhookType = (typeof WEBHOOK_TYPES)[number];
export type DeadLetterStatus = (typeof DLQ_STATUSES)[number];

type Db = { query: Pool['query'] };

export interface DeadLetterSummary {
  id: string;
  webhookType: string;
  correlationId: string | null;
  status: DeadLetterStatus;
  retryCount: number;
  maxRetries: number;
  /** masked */
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  nextRetryAt: string | null;
}

export interface DeadLetterDetail extends DeadLetterSummary {
  processedAt: string | null;
  /** masked unless the caller asked for the stored payload */
  payload: unknown;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function checkDeadLetterIds(ids: readonly string[]): void {
  const bad = ids.filter((id) => !UUID.test(id));
  if (bad.length)
    throw invalidInput(
      `${bad.map((b) => `"${b}"`).join(', ')} ` +
        `${bad.length === 1 ? 'is not a dead letter id' : 'are not dead letter ids'} (UUIDs).`,
      { code: 'dlq.bad-id', facts: { ids: bad } },
    );
}

function checkFilters(filters: { types?: readonly string[]; statuses?: readonly string[] }): void {
  const badType = (filters.types ?? []).filter((t) => !(WEBHOOK_TYPES as readonly string[]).includes(t));
  if (badType.length) {
    throw invalidInput(`Unknown webhook type ${badType.map((t) => `"${t}"`).join(', ')}.`, {
      code: 'dlq.unknown-type',
      facts: { known: WEBHOOK_TYPES },
      remedy: `Webhook types: ${WEBHOOK_TYPES.join(', ')}.`,
    });
  }
  const badStatus = (filters.statuses ?? []).filter((s) => !(DLQ_STATUSES as readonly string[]).includes(s));
  if (badStatus.length) {
    throw invalidInput(`Unknown dead letter status ${badStatus.map((s) => `"${s}"`).join(', ')}.`, {
      code: 'dlq.unknown-status',
      facts: { known: DLQ_STATUSES },
      remedy: `Statuses: ${DLQ_STATUSES.join(', ')}.`,
    });
  }
}

function toSummary(r: any): DeadLetterSummary {
  return {
    id: r.id,
    webhookType: r.webhook_type,
    correlationId: r.correlation_id,
    status: r.status,
    retryCount: r.retry_count,
    maxRetries: r.max_retries,
    lastError: r.last_error === null ? null : maskText(r.last_error),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    nextRetryAt: r.next_retry_at?.toISOString() ?? null,
  };
}

export interface DeadLetterFilter {
  types?: readonly string[];
  statuses?: readonly string[];
  ids?: readonly string[];
  limit?: number;
}

/** Oldest first: the order a replay takes them in. */
export async function listDeadLetters(db: Db, filter: DeadLetterFilter = {}): Promise<DeadLetterSummary[]> {
  checkFilters(filter);
  if (filter.ids) checkDeadLetterIds(filter.ids);
  const values: unknown[] = [];
  const where: string[] = [];
  const add = (clause: (n: number) => string, value: unknown) => {
    values.push(value);
    where.push(clause(values.length));
  };
  if (filter.types?.length) add((n) => `webhook_type = ANY($${n}::text[])`, [...filter.types]);
  if (filter.statuses?.length) add((n) => `status = ANY($${n}::text[])`, [...filter.statuses]);
  if (filter.ids?.length) add((n) => `id = ANY($${n}::uuid[])`, [...filter.ids]);
  values.push(filter.limit ?? 100);
  try {
    const { rows } = await db.query(
      `SELECT id::text, webhook_type, correlation_id, status, retry_count, max_retries, last_error, created_at,
              updated_at, next_retry_at
         FROM webhook_dead_letters ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY created_at, id LIMIT $${values.length}`,
      values,
    );
    return rows.map(toSummary);
  } catch (error) {
    rethrowSchemaMissing(error);
  }
}

export async function showDeadLetter(
  db: Db,
  id: string,
  options: { revealPayload?: boolean } = {},
): Promise<DeadLetterDetail> {
  checkDeadLetterIds([id]);
  let row: any;
  try {
    ({
      rows: [row],
    } = await db.query(
      `SELECT id::text, webhook_type, correlation_id, status, retry_count, max_retries, last_error, created_at,
              updated_at, next_retry_at, processed_at, payload
         FROM webhook_dead_letters WHERE id = $1`,
      [id],
    ));
  } catch (error) {
    rethrowSchemaMissing(error);
  }
  if (!row) throw notFound(`No dead letter ${id} in webhook_dead_letters.`, { code: 'dlq.not-found', facts: { id } });
  return {
    ...toSummary(row),
    processedAt: row.processed_at?.toISOString() ?? null,
    payload: options.revealPayload ? row.payload : maskValue(row.payload),
  };
}

/**
 * DLQ backlog limits: more waiting entries than this, or one waiting longer, is a backlog rather than
 * retries in flight.
 */
export const DLQ_BACKLOG_LIMIT = 100;
export const DLQ_MAX_AGE_SECONDS = 3_600;

export interface DeadLetterBacklog {
  waiting: number;
  givenUp: number;
  oldestWaitingSeconds: number;
  /** entries pending, retrying or failed, per type, most first */
  byType: { webhookType: string; count: number }[];
}

export async function deadLetterBacklog(db: Db): Promise<DeadLetterBacklog> {
  try {
    const { rows } = await db.query(`
      SELECT count(*) FILTER (WHERE status IN ('pending', 'retrying'))::int AS waiting,
             count(*) FILTER (WHERE status = 'failed')::int AS given_up,
             extract(epoch FROM now() - min(created_at) FILTER (WHERE status IN ('pending', 'retrying')))::float8
               AS oldest_age,
             (SELECT coalesce(json_agg(json_build_object('webhookType', webhook_type, 'count', n)
                                       ORDER BY n DESC, webhook_type), '[]'::json)
                FROM (SELECT webhook_type, count(*)::int AS n FROM webhook_dead_letters
                       WHERE status IN ('pending', 'retrying', 'failed') GROUP BY webhook_type) t) AS by_type
        FROM webhook_dead_letters`);
    const r = rows[0];
    return { waiting: r.waiting, givenUp: r.given_up, oldestWaitingSeconds: r.oldest_age ?? 0, byType: r.by_type };
  } catch (error) {
    rethrowSchemaMissing(error);
  }
}
