import { createApiAdminClient, type PodBreaker } from './admin.js';

export interface ApiPod {
  name: string;
  ip: string | null;
  ready: boolean;
}

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

const baseUrlOf = (ip: string, port: number) => `http://${ip.includes(':') ? `[${ip}]` : ip}:${port}`;

/** Every pod's in-memory breakers, read in parallel; a pod that cannot be read is reported, not fatal. */
export async function readPodBreakers(pods: ApiPod[], options: { port: number; timeoutMs?: number }): Promise<PodBreakers[]> {
  return Promise.all(
    pods.map(async (pod): Promise<PodBreakers> => {
      if (!pod.ip) return { pod: pod.name, ip: null, ready: pod.ready, breakers: [], error: 'pod has no IP yet' };
      try {
        const breakers = await createApiAdminClient({ baseUrl: baseUrlOf(pod.ip, options.port), timeoutMs: options.timeoutMs }).listCircuitBreakers();
        return { pod: pod.name, ip: pod.ip, ready: pod.ready, breakers, error: null };
      } catch (error) {
        return { pod: pod.name, ip: pod.ip, ready: pod.ready, breakers: [], error: (error as Error).message };
      }
    }),
  );
}

/** Resets one breaker on every pod, in parallel, reporting each pod's outcome. */
export async function resetPodBreakers(pods: ApiPod[], service: string, options: { port: number; timeoutMs?: number }): Promise<PodResetResult[]> {
  return Promise.all(
    pods.map(async (pod): Promise<PodResetResult> => {
      if (!pod.ip) return { pod: pod.name, ip: null, reset: false, error: 'pod has no IP yet' };
      try {
        await createApiAdminClient({ baseUrl: baseUrlOf(pod.ip, options.port), timeoutMs: options.timeoutMs }).resetCircuitBreaker(service);
        return { pod: pod.name, ip: pod.ip, reset: true, error: null };
      } catch (error) {
        return { pod: pod.name, ip: pod.ip, reset: false, error: (error as Error).message };
      }
    }),
  );
}
