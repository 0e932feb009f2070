import { DomainError, invalidInput, isDomainError, unavailable } from '../errors.js';
import { RESTARTED_AT, rolloutRestartRequest, scaleRequest, selectorString } from './patches.js';

export interface KubernetesClientOptions {
  /** kubeconfig context; the current context when absent */
  context?: string;
  namespace: string;
  /** a kubeconfig file instead of KUBECONFIG / ~/.kube/config */
  kubeconfigPath?: string;
  /** talk to this API server directly, without credentials (tests: http://127.0.0.1:PORT) */
  server?: string;
}

export interface PodSummary {
  name: string;
  ip: string | null;
  ready: boolean;
  phase?: string;
  labels?: Record<string, string>;
  restarts?: number;
}

export interface ScaleResult {
  deployment: string;
  previousReplicas: number;
  replicas: number;
}

export interface RestartResult {
  deployment: string;
  restartedAt: string;
  /** the annotation before the restart, if any (a restart cannot be undone; this is for the record) */
  previousRestartedAt?: string;
}

export interface KubernetesClient {
  readonly namespace: string;
  listServicePods(service: string): Promise<PodSummary[]>;
  listPods(labelSelector?: string): Promise<PodSummary[]>;
  scaleDeployment(deployment: string, replicas: number): Promise<ScaleResult>;
  rolloutRestart(deployment: string, at?: Date): Promise<RestartResult>;
}

type K8sModule = typeof import('@kubernetes/client-node');

interface PodLike {
  metadata?: { name?: string; labels?: Record<string, string> };
  status?: {
    podIP?: string;
    phase?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: { restartCount?: number }[];
  };
}

function summarize(pod: PodLike): PodSummary {
  return {
    name: pod.metadata?.name ?? '',
    ip: pod.status?.podIP ?? null,
    ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    phase: pod.status?.phase,
    labels: pod.metadata?.labels,
    restarts: pod.status?.containerStatuses?.reduce((sum, c) => sum + (c.restartCount ?? 0), 0) ?? 0,
  };
}

/** One line naming what failed and the API's own reason, instead of the client's multi-line dump. */
function kubernetesError(what: string, error: unknown, server: string | undefined): DomainError {
  const e = error as { code?: number; body?: unknown; message?: string; cause?: { code?: string } };
  if (typeof e?.code === 'number') {
    let reason = '';
    try {
      const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
      reason = (body as { message?: string })?.message ?? '';
    } catch {
      reason = String(e.body ?? '').slice(0, 200);
    }
    const hint =
      e.code === 401 || e.code === 403
        ? 'Check the kubeconfig context and that your user may do this in the namespace.'
        : e.code === 404
          ? 'Check the name and the namespace configured for the environment (kubernetes.namespace).'
          : undefined;
    return unavailable(`Kubernetes: ${what} failed (HTTP ${e.code})${reason ? `: ${reason}` : ''}.`, {
      code: 'kubernetes.api-error',
      facts: { status: e.code },
      remedy: hint,
      cause: error,
    });
  }
  const detail = e?.cause?.code ?? e?.message ?? String(error);
  return unavailable(
    `Kubernetes: ${what} failed: cannot reach the API server${server ? ` at ${server}` : ''} ` +
      `(${String(detail).split('\n')[0]}).`,
    {
      code: 'kubernetes.unreachable',
      facts: { server },
      remedy: 'Check the kubeconfig context (kubernetes.context in medicalcor.config.yaml) and your network/VPN.',
      cause: error,
    },
  );
}

async function loadConfig(k8s: K8sModule, options: KubernetesClientOptions) {
  const kc = new k8s.KubeConfig();
  if (options.server) {
    kc.loadFromOptions({
      clusters: [{ name: 'direct', server: options.server, skipTLSVerify: true }],
      users: [{ name: 'anonymous' }],
      contexts: [{ name: 'direct', cluster: 'direct', user: 'anonymous', namespace: options.namespace }],
      currentContext: 'direct',
    });
    return kc;
  }
  try {
    if (options.kubeconfigPath) kc.loadFromFile(options.kubeconfigPath);
    else kc.loadFromDefault();
  } catch (error) {
    throw unavailable(`Kubernetes: cannot read the kubeconfig: ${(error as Error).message.split('\n')[0]}`, {
      code: 'kubernetes.kubeconfig-unreadable',
      remedy: 'Set KUBECONFIG or run "kubectl config view" to check it.',
    });
  }
  const fallback = kc.getCurrentCluster();
  if (!options.kubeconfigPath && fallback?.name === 'cluster' && fallback.server === 'http://localhost:8080') {
    // loadFromDefault falls back to http://localhost:8080 when it finds nothing; say so instead.
    throw unavailable(
      'Kubernetes: no kubeconfig found (KUBECONFIG, ~/.kube/config) and not running inside a cluster.',
      {
        code: 'kubernetes.no-kubeconfig',
        remedy:
          "Point KUBECONFIG at the cluster's kubeconfig, or set kubernetes.context for the environment " +
          'in medicalcor.config.yaml.',
      },
    );
  }
  if (options.context) {
    if (!kc.getContextObject(options.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw invalidInput(`Kubernetes context "${options.context}" is not in the kubeconfig.`, {
        code: 'kubernetes.unknown-context',
        facts: { context: options.context, known },
        remedy: known.length ? `Known contexts: ${known.join(', ')}.` : 'The kubeconfig has no contexts.',
      });
    }
    kc.setCurrentContext(options.context);
  }
  return kc;
}

/**
 * The one module that talks to Kubernetes. The client library is imported on first use: it costs
 * about half a second, which commands that never touch Kubernetes must not pay.
 */
export function createKubernetesClient(options: KubernetesClientOptions): KubernetesClient {
  const namespace = options.namespace;
  let apis:
    | Promise<{
        k8s: K8sModule;
        core: InstanceType<K8sModule['CoreV1Api']>;
        apps: InstanceType<K8sModule['AppsV1Api']>;
        server?: string;
      }>
    | undefined;
  const connect = () => {
    apis ??= (async () => {
      const k8s = await import('@kubernetes/client-node');
      const kc = await loadConfig(k8s, options);
      return {
        k8s,
        core: kc.makeApiClient(k8s.CoreV1Api),
        apps: kc.makeApiClient(k8s.AppsV1Api),
        server: kc.getCurrentCluster()?.server,
      };
    })();
    return apis;
  };
  const call = async <T>(what: string, fn: (a: Awaited<ReturnType<typeof connect>>) => Promise<T>): Promise<T> => {
    const a = await connect();
    try {
      return await fn(a);
    } catch (error) {
      if (isDomainError(error)) throw error;
      throw kubernetesError(what, error, a.server);
    }
  };

  const listPods = (labelSelector?: string) =>
    call(`list pods in ${namespace}${labelSelector ? ` (${labelSelector})` : ''}`, async ({ core }) => {
      const list = await core.listNamespacedPod({ namespace, labelSelector });
      return (list.items as PodLike[]).map(summarize);
    });

  const getReplicas = (deployment: string) =>
    call(`read deployment ${namespace}/${deployment}`, async ({ apps }) => {
      const scale = await apps.readNamespacedDeploymentScale({ name: deployment, namespace });
      return scale.spec?.replicas ?? 0;
    });

  return {
    namespace,
    listPods,
    async listServicePods(service) {
      const selector = await call(`read service ${namespace}/${service}`, async ({ core }) => {
        const svc = await core.readNamespacedService({ name: service, namespace });
        return svc.spec?.selector;
      });
      // A Service without a selector has hand-managed endpoints; there are no pods to name.
      if (!selector || Object.keys(selector).length === 0) return [];
      return listPods(selectorString(selector));
    },
    async scaleDeployment(deployment, replicas) {
      const previousReplicas = await getReplicas(deployment);
      return call(`scale deployment ${namespace}/${deployment} to ${replicas}`, async ({ k8s, apps }) => {
        // the very request a dry run prints
        const patch = scaleRequest(namespace, deployment, replicas);
        const scale = await apps.patchNamespacedDeploymentScale(
          { name: deployment, namespace, body: patch.body },
          k8s.setHeaderOptions('Content-Type', patch.contentType!),
        );
        return { deployment, previousReplicas, replicas: scale.spec?.replicas ?? replicas };
      });
    },
    async rolloutRestart(deployment, at = new Date()) {
      return call(`rollout restart deployment ${namespace}/${deployment}`, async ({ k8s, apps }) => {
        const current = await apps.readNamespacedDeployment({ name: deployment, namespace });
        const previousRestartedAt = current.spec?.template?.metadata?.annotations?.[RESTARTED_AT];
        const patch = rolloutRestartRequest(namespace, deployment, at);
        await apps.patchNamespacedDeployment(
          { name: deployment, namespace, body: patch.body },
          k8s.setHeaderOptions('Content-Type', patch.contentType!),
        );
        return { deployment, restartedAt: at.toISOString(), previousRestartedAt };
      });
    },
  };
}
