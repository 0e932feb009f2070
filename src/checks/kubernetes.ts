import { probe } from './support.js';
import { fail, pass, skip, type Check } from './types.js';

export const kubernetesCheck: Check = {
  id: 'kubernetes',
  title: 'Kubernetes API reachable, API pods ready',
  required: false,
  async run(ctx) {
    const k8s = ctx.config.kubernetes;
    if (!k8s) return skip('no Kubernetes configured');
    // the client is heavy to import: the context builds it only for environments that name a cluster
    return probe('Check the kubeconfig context and your credentials (kubectl get pods).', async () => {
      const pods = await (await ctx.kubernetes()).listServicePods(k8s.apiService);
      const ready = pods.filter((p) => p.ready).length;
      if (ready === 0)
        return fail(
          `no ready pod behind service ${k8s.namespace}/${k8s.apiService} (${pods.length} pods)`,
          `kubectl -n ${k8s.namespace} describe pods for service ${k8s.apiService}; see the deployment's events.`,
        );
      return pass(`${ready} of ${pods.length} pods behind ${k8s.namespace}/${k8s.apiService} are ready`);
    });
  },
};
