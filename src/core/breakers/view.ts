import { redactSecrets } from '../redact.js';
import { maskText } from '../mask/index.js';
import type { BreakerHash } from './script.js';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerThresholds {
  /** failures in a row that open a closed breaker */
  failureThreshold: number;
  /** successful trial calls that close a half-open breaker */
  successThreshold: number;
  /** how long an open breaker stays open before trial calls are let through */
  resetTimeoutMs: number;
  /** trial calls let through at once, fleet-wide, while half-open */
  halfOpenMaxCalls: number;
}

export const DEFAULT_THRESHOLDS: BreakerThresholds = {
  failureThreshold: 5,
  successThreshold: 3,
  resetTimeoutMs: 30_000,
  halfOpenMaxCalls: 1,
};

export interface ForcedOpen {
  until: string;
  reason: string;
  actor: string;
}

/** One breaker as every process sees it (the shared Redis state). */
export interface BreakerView {
  name: string;
  state: BreakerState;
  /** failures in a row (closed), or recorded since opening */
  failures: number;
  /** successful trial calls so far (half-open) */
  successes: number;
  /** half-open trial calls running now (holding a lease) */
  trialsInFlight: number;
  openedAt: string | null;
  /** when an open breaker lets trial calls through (null unless open) */
  halfOpenAt: string | null;
  lastError: string | null;
  lastFailureAt: string | null;
  forced: ForcedOpen | null;
  thresholds: BreakerThresholds;
  /** the last operator action (reset, open, probe) and who did it */
  lastAction: { action: string; actor: string; at: string } | null;
  updatedAt: string | null;
  /** increases with every write; a cache keeps the highest it has seen */
  version: number;
}

const iso = (ms: string | undefined) => (ms && Number(ms) > 0 ? new Date(Number(ms)).toISOString() : null);
const text = (value: string | undefined) => (value ? value : null);

export function viewFromHash(name: string, hash: BreakerHash): BreakerView {
  const state = (['closed', 'open', 'half_open'].includes(hash.state ?? '') ? hash.state : 'closed') as BreakerState;
  const thresholds: BreakerThresholds = {
    failureThreshold: Number(hash.failure_threshold ?? DEFAULT_THRESHOLDS.failureThreshold),
    successThreshold: Number(hash.success_threshold ?? DEFAULT_THRESHOLDS.successThreshold),
    resetTimeoutMs: Number(hash.reset_timeout_ms ?? DEFAULT_THRESHOLDS.resetTimeoutMs),
    halfOpenMaxCalls: Number(hash.half_open_max_calls ?? DEFAULT_THRESHOLDS.halfOpenMaxCalls),
  };
  const forcedUntil = Number(hash.forced_until || 0);
  const openedAt = Number(hash.opened_at || 0);
  let halfOpenAt: string | null = null;
  if (state === 'open')
    halfOpenAt = new Date(forcedUntil > 0 ? forcedUntil : openedAt + thresholds.resetTimeoutMs).toISOString();
  return {
    name,
    state,
    failures: Number(hash.failures ?? 0),
    successes: Number(hash.successes ?? 0),
    trialsInFlight: leaseCount(hash.trial_leases),
    openedAt: state === 'closed' ? null : iso(hash.opened_at),
    halfOpenAt,
    lastError: text(hash.last_error),
    lastFailureAt: iso(hash.last_failure_at),
    forced:
      forcedUntil > 0
        ? {
            until: new Date(forcedUntil).toISOString(),
            reason: hash.forced_reason ?? '',
            actor: hash.forced_actor ?? '',
          }
        : null,
    thresholds,
    lastAction: hash.last_action
      ? { action: hash.last_action, actor: hash.last_actor ?? '', at: iso(hash.last_action_at) ?? '' }
      : null,
    updatedAt: iso(hash.updated_at),
    version: Number(hash.version ?? 0),
  };
}

/**
 * An error message as stored: one line, bounded, secrets and PII masked, so a stack or a payload never lands in Redis.
 */
export function summarizeError(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const line = maskText(redactSecrets(message.split('\n')[0] ?? ''));
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

function leaseCount(json: string | undefined): number {
  if (!json) return 0;
  try {
    const leases: unknown = JSON.parse(json);
    return Array.isArray(leases) ? leases.length : 0;
  } catch {
    return 0;
  }
}
