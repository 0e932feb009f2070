import type { BreakerListEntry, BreakerStore } from '../breakers/index.js';
import type { ApiPod, PodAccess } from './access.js';
import { readPodBreakers, type PodBreakers } from './pods.js';

export interface FleetBreakers {
  breakers: BreakerListEntry[];
  /** each API pod's in-memory breakers, when asked for */
  pods?: PodBreakers[];
  /** a breaker is open, shared or in a pod that could be read */
  problem: boolean;
  /** a pod could not be read */
  partial: boolean;
}

/**
 * The shared breakers and, with `pods`, every API pod's in-memory ones, read in parallel. An open
 * breaker found anywhere is a problem even when another pod cannot be reached: both are reported.
 */
export async function listFleetBreakers(deps: {
  store: BreakerStore;
  pods?: { list: () => Promise<ApiPod[]>; access: () => Promise<PodAccess>; timeoutMs?: number };
}): Promise<FleetBreakers> {
  const [breakers, pods] = await Promise.all([
    deps.store.list(),
    deps.pods
      ? Promise.all([deps.pods.list(), deps.pods.access()]).then(([list, access]) =>
          readPodBreakers(list, access, { timeoutMs: deps.pods!.timeoutMs }),
        )
      : undefined,
  ]);
  const open =
    breakers.some((b) => b.state === 'open') || (pods ?? []).some((p) => p.breakers.some((b) => b.state === 'open'));
  return { breakers, ...(pods ? { pods } : {}), problem: open, partial: (pods ?? []).some((p) => p.error !== null) };
}
