import { readLimited, type RunQuery } from '../query.js';
import type { SourceResult, TimelineItem } from '../types.js';

interface UsageRow {
  id: string;
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
    summary: `${row.input_tokens} in / ${row.output_tokens} out${row.cached_tokens ? ` / ${row.cached_tokens} cached` : ''} tokens, $${Number(row.cost_usd).toFixed(4)}`,
    error: row.success ? undefined : `${row.provider} ${row.operation} call failed`,
    ref: `llm_usage_logs #${row.id}`,
    detail: { id: Number(row.id), provider: row.provider, model: row.model, operation: row.operation, tenantId: row.tenant_id, inputTokens: row.input_tokens, outputTokens: row.output_tokens, cachedTokens: row.cached_tokens, costUsd: Number(row.cost_usd), success: row.success },
  };
}

export function readLlmUsage(query: RunQuery, correlationId: string, limit: number): Promise<SourceResult> {
  return readLimited(query,
    `SELECT id, provider, model, operation, tenant_id, input_tokens, output_tokens, cached_tokens, cost_usd, latency_ms, success, occurred_at
       FROM llm_usage_logs WHERE correlation_id = $1 ORDER BY occurred_at, id LIMIT $2`,
    [correlationId], limit, usageItem);
}
