/**
 * The exact requests the CLI sends to the Kubernetes API, built without the client library so a
 * dry run can print them (and the runbook audit can record them) without loading it.
 */

export interface KubernetesRequest {
  method: 'GET' | 'PATCH';
  path: string;
  contentType?: string;
  body?: unknown;
}

export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
/** The pod-template annotation `kubectl rollout restart` sets. */
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

/** What `kubectl scale deployment NAME --replicas N` sends: a merge patch of the scale subresource. */
export function scaleRequest(namespace: string, deployment: string, replicas: number): KubernetesRequest {
  return {
    method: 'PATCH',
    path:
      `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}` +
      `/deployments/${encodeURIComponent(deployment)}/scale`,
    contentType: MERGE_PATCH,
    body: { spec: { replicas } },
  };
}

/**
 * What `kubectl rollout restart deployment NAME` sends: a new restartedAt annotation on the pod
 * template, which changes the template hash and so rolls every pod.
 */
export function rolloutRestartRequest(namespace: string, deployment: string, at: Date = new Date()): KubernetesRequest {
  return {
    method: 'PATCH',
    path: `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments/${encodeURIComponent(deployment)}`,
    contentType: STRATEGIC_MERGE_PATCH,
    body: { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: at.toISOString() } } } } },
  };
}

export function listPodsRequest(namespace: string, labelSelector?: string): KubernetesRequest {
  const query = labelSelector ? `?labelSelector=${encodeURIComponent(labelSelector)}` : '';
  return { method: 'GET', path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods${query}` };
}

/** A Service's selector as a label selector string ("app=api,tier=web"). */
export function selectorString(selector: Record<string, string>): string {
  return Object.entries(selector)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}
