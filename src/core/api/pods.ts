import { createApiAdminClient, type PodBreaker } from './admin.js';
import type { ApiPod, PodAccess } from './access.js';

export type { ApiPod } from './access.js';

export interface PodBreakers {
  pod: string;
  ip: string | null;
  ready: boolean;
  breakers: PodBreaker[];
  /** why this pod could not be read (the others still are) */
  error: string | null;
}

export interface PodResetResult {
  pod: string;
  ip: string | null;
  reset: boolean;
  error: string | null;
}

function clientFor(pod: ApiPod, access: PodAccess, timeoutMs?: number) {
  const baseUrl = access.baseUrl(pod);
  if (!baseUrl) return undefined;
  const label = access.kind === 'proxy' ? `pod ${pod.name} (through the Kubernetes API proxy)` : baseUrl;
  return createApiAdminClient({ baseUrl, timeoutMs, headers: access.headers, dispatcher: access.dispatcher, label });
}

/** Every pod's in-memory breakers, read in parallel; a pod that cannot be read is reported, not fatal. */
export async function readPodBreakers(
  pods: ApiPod[],
  access: PodAccess,
  options: { timeoutMs?: number } = {},
): Promise<PodBreakers[]> {
  return Promise.all(
    pods.map(async (pod): Promise<PodBreakers> => {
      const client = clientFor(pod, access, options.timeoutMs);
      if (!client) return { pod: pod.name, ip: null, ready: pod.ready, breakers: [], error: 'pod has no IP yet' };
      try {
        return {
          pod: pod.name,
          ip: pod.ip,
          ready: pod.ready,
          breakers: await client.listCircuitBreakers(),
          error: null,
        };
      } catch (error) {
        return { pod: pod.name, ip: pod.ip, ready: pod.ready, breakers: [], error: (error as Error).message };
      }
    }),
  );
}

/** Resets one breaker on every pod, in parallel, reporting each pod's outcome. */
export async function resetPodBreakers(
  pods: ApiPod[],
  service: string,
  access: PodAccess,
  options: { timeoutMs?: number } = {},
): Promise<PodResetResult[]> {
  return Promise.all(
    pods.map(async (pod): Promise<PodResetResult> => {
      const client = clientFor(pod, access, options.timeoutMs);
      if (!client) return { pod: pod.name, ip: null, reset: false, error: 'pod has no IP yet' };
      try {
        await client.resetCircuitBreaker(service);
        return { pod: pod.name, ip: pod.ip, reset: true, error: null };
      } catch (error) {
        return { pod: pod.name, ip: pod.ip, reset: false, error: (error as Error).message };
      }
    }),
  );
}
