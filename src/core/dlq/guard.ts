import type { BreakerStore } from '../breakers/index.js';
import { summarizeError } from '../breakers/index.js';

/** What a replay asks the shared breaker `dlq-<type>` before and after each post. */
export interface ReplayGuard {
  /** false while the breaker is open (an open breaker whose wait is over turns half-open here) */
  allow(name: string): Promise<{ allowed: boolean; state: string; until?: string | null }>;
  failure(name: string, error: unknown): Promise<void>;
  success(name: string): Promise<void>;
  /** the current state, without changing it (dry runs) */
  peek(name: string): Promise<string>;
}

/** The replay guard over the shared breakers' one transition script: pods and the CLI see one state. */
export function breakerGuard(store: BreakerStore): ReplayGuard {
  return {
    async allow(name) {
      const view = await store.apply(name, 'attempt');
      if (!view) return { allowed: true, state: 'closed' };
      return { allowed: view.state !== 'open', state: view.state, until: view.halfOpenAt };
    },
    async failure(name, error) {
      await store.apply(name, 'failure', { detail: summarizeError(error) });
    },
    async success(name) {
      await store.apply(name, 'success');
    },
    async peek(name) {
      return (await store.get(name))?.state ?? 'closed';
    },
  };
}

/** The breaker that guards replays of one webhook type. */
export const replayBreakerName = (webhookType: string) => `dlq-${webhookType}`;
