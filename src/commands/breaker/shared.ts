import { isBreakerName } from '../../core/breakers/index.js';
import type { ApiPod, PodAccess } from '../../core/api/index.js';
import { usageError } from '../../cli-kit/index.js';
import type { CommandContext } from '../context.js';
import { typedValue } from '../../core/mask/index.js';

export const FORMATS = ['table', 'json', 'yaml'] as const;

export function checkName(name: string): string {
  if (!isBreakerName(name))
    throw usageError(
      `${typedValue(name)} is not a breaker name.`,
      'Breaker names are letters, digits, ".", "_" and "-" (see "medicalcor breaker list").',
    );
  return name;
}

/** The API pods behind the environment's service and how to reach them (the pods proxy, or pod IPs). */
export function podsOf(ctx: CommandContext): { list: () => Promise<ApiPod[]>; access: () => Promise<PodAccess> } {
  const k8s = ctx.config().kubernetes;
  if (!k8s) {
    throw usageError(
      "--pods needs the environment's kubernetes settings (context, namespace, apiService, apiPort).",
      'Add a kubernetes: section to the environment in medicalcor.config.yaml.',
    );
  }
  const credential = { token: k8s.adminToken, header: k8s.adminTokenHeader };
  return {
    list: async () =>
      (await (await ctx.systems.kubernetes()).listServicePods(k8s.apiService)).map((p) => ({
        name: p.name,
        ip: p.ip,
        ready: p.ready,
      })),
    access: async () => {
      const api = await import('../../core/api/index.js');
      if (k8s.podAccess === 'direct') return api.directPodAccess(k8s.apiPort, credential);
      const kubeconfigPath = ctx.streams.env.KUBECONFIG?.split(':').find(Boolean);
      return api.kubernetesProxyAccess({
        namespace: k8s.namespace,
        port: k8s.apiPort,
        context: k8s.context,
        kubeconfigPath,
        credential,
      });
    },
  };
}
