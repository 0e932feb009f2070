import type { PodSummary } from '../../kubernetes/index.js';
import { scaleRequest } from '../../kubernetes/patches.js';
import type { RenderedAction } from '../plan.js';
import { plainTable } from './plain-table.js';
import { stepFailure, withTimeout } from './timeout.js';
import type { ActionResult, ActionRun, StepDeps } from './types.js';

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

export async function runK8s(action: Extract<RenderedAction, { kind: 'k8s' }>, deps: StepDeps, run: ActionRun): Promise<ActionResult> {
  try {
    const client = await deps.kubernetes();
    switch (action.action) {
      case 'list-pods':
      case 'service-pods': {
        const pods = await withTimeout(action.action === 'list-pods' ? client.listPods(action.selector) : client.listServicePods(action.service!), run);
        const ready = pods.filter((p) => p.ready).length;
        return { ok: true, output: `${podTable(pods)}\n(${ready}/${pods.length} ready)`, rows: pods.length, value: ready, data: pods };
      }
      case 'scale': {
        const result = await withTimeout(client.scaleDeployment(action.deployment!, action.replicas!), run);
        return {
          ok: true,
          output: `deployment ${action.namespace}/${result.deployment} scaled from ${result.previousReplicas} to ${result.replicas} replicas`,
          value: result.replicas,
          data: result,
          undo: { kind: 'k8s', action: 'scale', namespace: action.namespace, deployment: action.deployment, replicas: result.previousReplicas, request: scaleRequest(action.namespace, action.deployment!, result.previousReplicas) },
        };
      }
      case 'rollout-restart': {
        const result = await withTimeout(client.rolloutRestart(action.deployment!), run);
        return { ok: true, output: `deployment ${action.namespace}/${result.deployment} restarted at ${result.restartedAt}`, value: result.restartedAt, data: result };
      }
    }
  } catch (error) {
    return stepFailure('', error);
  }
}

