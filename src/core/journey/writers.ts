import { maskText, maskValue } from '../mask/index.js';

/**
 * How the platform's services record a journey. Every row carries the correlation ID, which is
 * what `trace` follows. Patient data is masked at write by the one policy (core/mask) in every
 * text a trace shows: integration logs (error, request summary), dead-letter errors, saga errors.
 * The event store's payloads and the dead letter's payload are kept whole: they are the record
 * and what a replay needs; every view masks them when it reads them.
 */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<{ rows: any[] }>;
}

export interface DomainEventInput {
  aggregateId: string;
  aggregateType: string;
  eventType: string;
  payload: unknown;
  correlationId: string;
  metadata?: Record<string, unknown>;
  causationId?: string;
  actor?: string;
  schemaVersion?: number;
  occurredAt?: Date;
  /** the version this event must have (optimistic concurrency); next after the stream's last when absent */
  expectedVersion?: number;
}

export interface AppendedEvent {
  id: string;
  globalPosition: number;
  version: number;
}

/**
 * Appends one event to its aggregate's stream; a concurrent writer of the same version fails on the
 * unique key.
 */
export async function appendDomainEvent(db: Queryable, event: DomainEventInput): Promise<AppendedEvent> {
  const { rows } = await db.query(
    `INSERT INTO domain_events (aggregate_id, aggregate_type, version, event_type, schema_version, payload, metadata,
                                correlation_id, causation_id, actor, occurred_at)
     SELECT $1, $2,
            COALESCE($3::int, (SELECT COALESCE(max(version), 0) + 1 FROM domain_events WHERE aggregate_id = $1)),
            $4, $5, $6, $7, $8, $9, $10, COALESCE($11::timestamptz, now())
     RETURNING id, global_position, version`,
    [
      event.aggregateId,
      event.aggregateType,
      event.expectedVersion ?? null,
      event.eventType,
      event.schemaVersion ?? 1,
      JSON.stringify(event.payload ?? {}),
      JSON.stringify(event.metadata ?? {}),
      event.correlationId,
      event.causationId ?? null,
      event.actor ?? null,
      event.occurredAt ?? null,
    ],
  );
  return { id: rows[0].id, globalPosition: Number(rows[0].global_position), version: rows[0].version };
}

export type SagaStatus = 'pending' | 'running' | 'compensating' | 'completed' | 'failed' | 'compensated' | 'timed_out';

export interface SagaStepInput {
  step: string;
  status: 'started' | 'completed' | 'failed' | 'compensated' | 'skipped';
  at?: Date;
  durationMs?: number;
  error?: string;
}

export interface SagaStateInput {
  /** absent for a new saga */
  sagaId?: string;
  sagaType: string;
  correlationId: string;
  status: SagaStatus;
  currentStep?: string;
  state?: Record<string, unknown>;
  /** appended to step_history */
  step?: SagaStepInput;
  error?: string;
  timeoutAt?: Date;
  /** when this change happened (default now) */
  at?: Date;
}

/** Error texts are masked at write: a service that puts a name or phone into one does not store it. */
function maskOptional(text: string | undefined): string | undefined {
  return text === undefined ? undefined : maskText(text);
}

const FINISHED: readonly SagaStatus[] = ['completed', 'failed', 'compensated', 'timed_out'];

/** Creates or advances a saga: status, current step, state, and one more entry in its step history. */
export async function saveSagaState(db: Queryable, input: SagaStateInput): Promise<{ sagaId: string }> {
  const at = input.at ?? new Date();
  const history = input.step
    ? [
        {
          step: input.step.step,
          status: input.step.status,
          at: (input.step.at ?? at).toISOString(),
          durationMs: input.step.durationMs,
          error: maskOptional(input.step.error),
        },
      ]
    : [];
  const completedAt = FINISHED.includes(input.status) ? at : null;
  const { rows } = await db.query(
    `INSERT INTO saga_store (saga_id, saga_type, correlation_id, status, current_step, state, step_history, started_at,
                             updated_at, completed_at, timeout_at, error)
     VALUES (COALESCE($1::uuid, gen_random_uuid()), $2, $3, $4, $5, COALESCE($6::jsonb, '{}'::jsonb), $7::jsonb,
             $8, $8, $9, $10, $11)
     ON CONFLICT (saga_id) DO UPDATE SET
       status = EXCLUDED.status,
       current_step = COALESCE(EXCLUDED.current_step, saga_store.current_step),
       state = CASE WHEN $6::jsonb IS NULL THEN saga_store.state ELSE EXCLUDED.state END,
       step_history = saga_store.step_history || EXCLUDED.step_history,
       updated_at = EXCLUDED.updated_at,
       completed_at = EXCLUDED.completed_at,
       timeout_at = COALESCE(EXCLUDED.timeout_at, saga_store.timeout_at),
       error = COALESCE(EXCLUDED.error, saga_store.error)
     RETURNING saga_id`,
    [
      input.sagaId ?? null,
      input.sagaType,
      input.correlationId,
      input.status,
      input.currentStep ?? null,
      input.state ? JSON.stringify(input.state) : null,
      JSON.stringify(history),
      at,
      completedAt,
      input.timeoutAt ?? null,
      maskOptional(input.error) ?? null,
    ],
  );
  return { sagaId: rows[0].saga_id };
}

export interface DeadLetterInput {
  webhookType: 'whatsapp' | 'voice' | 'vapi' | 'stripe' | 'hubspot' | 'booking' | 'crm';
  correlationId?: string;
  payload: unknown;
  lastError: string;
  retryCount?: number;
  maxRetries?: number;
  status?: 'pending' | 'retrying' | 'processed' | 'failed' | 'expired';
  nextRetryAt?: Date;
  createdAt?: Date;
}

/**
 * Parks a webhook that could not be processed; the payload is kept whole (the DLQ replays it),
 * the error text is masked at write: it is shown in traces, tickets and runbook output.
 */
export async function addDeadLetter(db: Queryable, input: DeadLetterInput): Promise<{ id: string }> {
  const { rows } = await db.query(
    `INSERT INTO webhook_dead_letters (webhook_type, correlation_id, payload, retry_count, max_retries, last_error,
                                       status, next_retry_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, COALESCE($9::timestamptz, now()), COALESCE($9::timestamptz, now()))
     RETURNING id`,
    [
      input.webhookType,
      input.correlationId ?? null,
      JSON.stringify(input.payload ?? {}),
      input.retryCount ?? 0,
      input.maxRetries ?? 5,
      maskText(input.lastError),
      input.status ?? 'pending',
      input.nextRetryAt ?? null,
      input.createdAt ?? null,
    ],
  );
  return { id: rows[0].id };
}

export interface IntegrationCallInput {
  service: 'hubspot' | 'whatsapp' | 'openai' | 'anthropic' | 'stripe' | 'google_places' | 'trigger_dev' | 'vapi';
  direction: 'inbound' | 'outbound';
  operation: string;
  correlationId?: string;
  status: 'success' | 'failure' | 'timeout' | 'retry';
  httpStatus?: number;
  durationMs?: number;
  errorCode?: string;
  errorMessage?: string;
  /** field names, sizes, ids: never bodies (masked anyway) */
  requestSummary?: Record<string, unknown>;
  occurredAt?: Date;
}

/** Records one call to or from a third party, with PII masked before it is stored. */
export async function logIntegrationCall(db: Queryable, input: IntegrationCallInput): Promise<{ id: number }> {
  const { rows } = await db.query(
    `INSERT INTO integration_logs (service, direction, operation, correlation_id, status, http_status, duration_ms,
                                   error_code, error_message, request_summary, occurred_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, COALESCE($11::timestamptz, now()))
     RETURNING id`,
    [
      input.service,
      input.direction,
      input.operation,
      input.correlationId ?? null,
      input.status,
      input.httpStatus ?? null,
      input.durationMs === undefined ? null : Math.round(input.durationMs),
      input.errorCode ?? null,
      input.errorMessage === undefined ? null : maskText(input.errorMessage),
      input.requestSummary === undefined ? null : JSON.stringify(maskValue(input.requestSummary)),
      input.occurredAt ?? null,
    ],
  );
  return { id: Number(rows[0].id) };
}

export interface LlmUsageInput {
  provider: string;
  model: string;
  operation: string;
  correlationId?: string;
  tenantId?: string;
  userId?: string;
  inputTokens: number;
  outputTokens: number;
  cachedTokens?: number;
  costUsd: number;
  latencyMs?: number;
  success?: boolean;
  occurredAt?: Date;
}

/** Records one LLM call's tokens and cost (the budget ledger reads the same rows). */
export async function logLlmUsage(db: Queryable, input: LlmUsageInput): Promise<{ id: number }> {
  const { rows } = await db.query(
    `INSERT INTO llm_usage_logs (provider, model, operation, tenant_id, user_id, input_tokens, output_tokens,
                                 cached_tokens, cost_usd, correlation_id, latency_ms, success, occurred_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, COALESCE($13::timestamptz, now()))
     RETURNING id`,
    [
      input.provider,
      input.model,
      input.operation,
      input.tenantId ?? null,
      input.userId ?? null,
      input.inputTokens,
      input.outputTokens,
      input.cachedTokens ?? 0,
      input.costUsd,
      input.correlationId ?? null,
      input.latencyMs ?? null,
      input.success ?? true,
      input.occurredAt ?? null,
    ],
  );
  return { id: Number(rows[0].id) };
}
