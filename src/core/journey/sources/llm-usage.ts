import { readLimited, readPageWithVerdict } from '../query.js';
import type { TimelineItem } from '../types.js';
import type { DatabaseSource, FailureRow } from './source.js';

interface UsageRow {
  id: string;
  correlation_id: string;
  provider: string;
  model: string;
  operation: string;
  tenant_id: string | null;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  cost_usd: string;
  latency_ms: number | null;
  success: boolean;
  occurred_at: Date;
}

function usageItem(row: UsageRow): TimelineItem {
  return {
    at: row.occurred_at,
    endAt: row.latency_ms !== null ? new Date(row.occurred_at.getTime() + row.latency_ms) : undefined,
    durationMs: row.latency_ms ?? undefined,
    source: 'llm_usage',
    name: `${row.provider} ${row.model} ${row.operation}`,
    status: row.success ? 'ok' : 'failed',
    summary:
      `${row.input_tokens} in / ${row.output_tokens} out${row.cached_tokens ? ` / ${row.cached_tokens} cached` : ''} ` +
      `tokens, $${Number(row.cost_usd).toFixed(4)}`,
    error: row.success ? undefined : `${row.provider} ${row.operation} call failed`,
    ref: `llm_usage_logs #${row.id}`,
    detail: {
      id: Number(row.id),
      provider: row.provider,
      model: row.model,
      operation: row.operation,
      tenantId: row.tenant_id,
      inputTokens: row.input_tokens,
      outputTokens: row.output_tokens,
      cachedTokens: row.cached_tokens,
      costUsd: Number(row.cost_usd),
      success: row.success,
    },
  };
}

export const llmUsage: DatabaseSource = {
  name: 'llm_usage',
  system: 'database',
  readJourney({ query }, { correlationId, limit }) {
    // the verdict reads llm_usage_logs_failures_by_journey_idx: (correlation_id) WHERE NOT success
    return readPageWithVerdict(
      query,
      {
        page: `SELECT id, provider, model, operation, tenant_id, input_tokens, output_tokens, cached_tokens, cost_usd,
                      latency_ms,
                    success, occurred_at, 1 AS __one
               FROM llm_usage_logs WHERE correlation_id = $1 ORDER BY occurred_at, id LIMIT $2`,
        verdict: `SELECT count(*) AS failures, 0 AS warnings, min(occurred_at) AS first_failure_at
                  FROM llm_usage_logs WHERE correlation_id = $1 AND NOT success`,
        order: 'page.occurred_at, page.id',
      },
      [correlationId],
      limit,
      usageItem,
    );
  },
  readFailures({ query }, { since, limit }) {
    // llm_usage_logs_failures_idx: (occurred_at) WHERE NOT success
    return readLimited(
      query,
      `SELECT correlation_id, occurred_at, provider, model, operation FROM llm_usage_logs
        WHERE NOT success AND occurred_at >= $1 AND correlation_id IS NOT NULL ORDER BY occurred_at DESC LIMIT $2`,
      [since],
      limit,
      (r: UsageRow): FailureRow => ({
        correlationId: r.correlation_id,
        at: r.occurred_at,
        source: 'llm_usage',
        step: `${r.provider} ${r.model} ${r.operation}`,
        error: 'call failed',
      }),
    );
  },
};
