import { z } from 'zod';
import type { PodSummary } from '../../kubernetes/index.js';
import {
  listPodsRequest,
  rolloutRestartRequest,
  scaleRequest,
  type KubernetesRequest,
} from '../../kubernetes/patches.js';
import { fill } from '../template.js';
import { defineStepKind } from './kind.js';
import { plainTable } from './plain-table.js';
import { stepFailure, withTimeout } from './timeout.js';

type K8sVerb = 'scale' | 'rollout-restart' | 'list-pods' | 'service-pods';

export interface RenderedK8s {
  kind: 'k8s';
  action: K8sVerb;
  namespace: string;
  deployment?: string;
  replicas?: number;
  selector?: string;
  service?: string;
  request?: KubernetesRequest;
}

function podTable(pods: PodSummary[]): string {
  if (!pods.length) return '(no pods)';
  return plainTable(pods, [
    { header: 'POD', value: (p) => p.name },
    { header: 'READY', value: (p) => (p.ready ? 'yes' : 'no') },
    { header: 'PHASE', value: (p) => p.phase },
    { header: 'IP', value: (p) => p.ip },
    { header: 'RESTARTS', value: (p) => p.restarts },
  ]);
}

/** Scale (undone by scaling back to what it found), rollout restart, and pod listings, like kubectl. */
export const k8sKind = defineStepKind({
  kind: 'k8s',
  schema: z.object({
    kind: z.literal('k8s'),
    action: z.enum(['scale', 'rollout-restart', 'list-pods', 'service-pods']),
    deployment: z.string().optional(),
    replicas: z.union([z.number().int().nonnegative(), z.string()]).optional(),
    selector: z.string().optional(),
    service: z.string().optional(),
  }),
  defaultTimeout: '60s',
  dryRun: 'show',
  check(action) {
    const issues: { field: string; message: string }[] = [];
    if ((action.action === 'scale' || action.action === 'rollout-restart') && !action.deployment)
      issues.push({ field: 'deployment', message: `is required for ${action.action}` });
    if (action.action === 'scale' && action.replicas === undefined)
      issues.push({ field: 'replicas', message: 'is required for scale' });
    if (action.action === 'service-pods' && !action.service)
      issues.push({ field: 'service', message: 'is required for service-pods' });
    return issues;
  },
  automaticUndo: (action) => (action.action === 'scale' ? 'scale back' : undefined),
  render(action, vars, ctx): RenderedK8s {
    const text = (s: string) => fill(s, vars);
    const namespace = ctx.config.kubernetes?.namespace ?? 'default';
    const deployment = action.deployment ? text(action.deployment) : undefined;
    const replicasText = action.replicas === undefined ? undefined : text(String(action.replicas));
    if (replicasText !== undefined && !/^\d+$/.test(replicasText))
      throw new Error(`replicas "${replicasText}" is not a whole number`);
    const replicas = replicasText === undefined ? undefined : Number(replicasText);
    const selector = action.selector ? text(action.selector) : undefined;
    const service = action.service ? text(action.service) : undefined;
    const request =
      action.action === 'scale'
        ? scaleRequest(namespace, deployment!, replicas!)
        : action.action === 'rollout-restart'
          ? rolloutRestartRequest(namespace, deployment!)
          : action.action === 'list-pods'
            ? listPodsRequest(namespace, selector)
            : undefined;
    return { kind: 'k8s', action: action.action, namespace, deployment, replicas, selector, service, request };
  },
  describe(r) {
    if (r.request) {
      const { method, path, contentType, body } = r.request;
      const type = contentType ? `\ncontent-type: ${contentType}` : '';
      return `${method} ${path}${type}${body ? `\n${JSON.stringify(body)}` : ''}`;
    }
    return `GET /api/v1/namespaces/${r.namespace}/services/${r.service} (then its pods by selector)`;
  },
  async run(action, _mutates, deps, run) {
    try {
      const client = await deps.kubernetes();
      switch (action.action) {
        case 'list-pods':
        case 'service-pods': {
          const pods = await withTimeout(
            action.action === 'list-pods' ? client.listPods(action.selector) : client.listServicePods(action.service!),
            run,
          );
          const ready = pods.filter((p) => p.ready).length;
          return {
            ok: true,
            output: `${podTable(pods)}\n(${ready}/${pods.length} ready)`,
            rows: pods.length,
            value: ready,
            data: pods,
          };
        }
        case 'scale': {
          const result = await withTimeout(client.scaleDeployment(action.deployment!, action.replicas!), run);
          const undo: RenderedK8s = {
            kind: 'k8s',
            action: 'scale',
            namespace: action.namespace,
            deployment: action.deployment,
            replicas: result.previousReplicas,
            request: scaleRequest(action.namespace, action.deployment!, result.previousReplicas),
          };
          return {
            ok: true,
            output:
              `deployment ${action.namespace}/${result.deployment} ` +
              `scaled from ${result.previousReplicas} to ${result.replicas} replicas`,
            value: result.replicas,
            data: result,
            undo,
          };
        }
        case 'rollout-restart': {
          const result = await withTimeout(client.rolloutRestart(action.deployment!), run);
          return {
            ok: true,
            output: `deployment ${action.namespace}/${result.deployment} restarted at ${result.restartedAt}`,
            value: result.restartedAt,
            data: result,
          };
        }
      }
    } catch (error) {
      return stepFailure('', error);
    }
  },
});
