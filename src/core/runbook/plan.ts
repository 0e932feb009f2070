import type { ResolvedConfig } from '../config/index.js';
import { listPodsRequest, rolloutRestartRequest, scaleRequest, type KubernetesRequest } from '../kubernetes/patches.js';
import { redactSecrets } from '../redact.js';
import { durationMs as parseDuration } from '../time/index.js';
import type { Action, Expectation, ProbeAction, RunbookStep } from './schema.js';
import { fill, fillJson, fillUrl, type Variables } from './template.js';

/**
 * An action with every value filled in: exactly what will run. Dry runs print it; real runs
 * execute it; the audit trail records it.
 */
export type RenderedAction =
  | { kind: 'shell'; argv: string[]; cwd?: string; env: Record<string, string>; okExitCodes: number[] }
  | { kind: 'sql'; sql: string; params: string[]; maxRows: number }
  | { kind: 'http'; method: string; url: string; headers: Record<string, string>; body?: unknown; okStatus?: number[] }
  | { kind: 'k8s'; action: 'scale' | 'rollout-restart' | 'list-pods' | 'service-pods'; namespace: string; deployment?: string; replicas?: number; selector?: string; service?: string; request?: KubernetesRequest }
  | { kind: 'redis'; command: string[] }
  | { kind: 'breaker'; action: 'list' | 'open' | 'reset'; name?: string; forMs?: number; reason?: string }
  | { kind: 'check'; check: string }
  | { kind: 'manual'; instruction: string }
  | { kind: 'wait'; until: RenderedProbe; intervalMs: number };

export type RenderedProbe = RenderedAction & { expect: Expectation };

export interface PlanContext {
  config: Pick<ResolvedConfig, 'apiBaseUrl' | 'prometheusUrl' | 'trigger' | 'kubernetes' | 'redisKeyPrefix' | 'envName'>;
  /** how to start this CLI: [node, bin/medicalcor] */
  medicalcorArgv: string[];
}

const TRIGGER_API_VERSION = '2025-07-16';

function baseUrl(base: 'api' | 'prometheus' | 'trigger', ctx: PlanContext): string {
  const { config } = ctx;
  const url = base === 'api' ? config.apiBaseUrl : base === 'prometheus' ? config.prometheusUrl : config.trigger?.url;
  if (!url) {
    const key = base === 'api' ? 'apiBaseUrl (or MEDICALCOR_API_URL)' : base === 'prometheus' ? 'prometheusUrl (or MEDICALCOR_PROMETHEUS_URL)' : 'trigger.url (or MEDICALCOR_TRIGGER_URL)';
    throw new Error(`environment "${config.envName}" has no ${key} configured`);
  }
  return url.replace(/\/+$/, '');
}

export function renderAction(action: Action | ProbeAction, vars: Variables, ctx: PlanContext): RenderedAction {
  const text = (s: string) => fill(s, vars);
  switch (action.kind) {
    case 'shell': {
      const argv = action.command.map(text);
      // "medicalcor" is this CLI, started with the same Node and bin as the running process.
      if (argv[0] === 'medicalcor') argv.splice(0, 1, ...ctx.medicalcorArgv);
      return { kind: 'shell', argv, cwd: action.cwd ? text(action.cwd) : undefined, env: Object.fromEntries(Object.entries(action.env ?? {}).map(([k, v]) => [k, text(v)])), okExitCodes: action.okExitCodes };
    }
    case 'sql':
      return { kind: 'sql', sql: action.sql, params: action.params.map(text), maxRows: action.maxRows };
    case 'http': {
      const path = fillUrl(action.url, vars);
      const url = action.base ? `${baseUrl(action.base, ctx)}${path.startsWith('/') ? '' : '/'}${path}` : path;
      const headers = Object.fromEntries(Object.entries(action.headers).map(([k, v]) => [k, text(v)]));
      for (const value of Object.values(headers)) if (/[\r\n]/.test(value)) throw new Error('a header value may not contain a line break');
      if (action.base === 'trigger') {
        if (ctx.config.trigger?.secretKey) headers.authorization = `Bearer ${ctx.config.trigger.secretKey}`;
        headers['x-trigger-api-version'] = TRIGGER_API_VERSION;
      }
      const body = action.body === undefined ? undefined : fillJson(action.body, vars);
      if (body !== undefined) headers['content-type'] ??= 'application/json';
      return { kind: 'http', method: action.method, url, headers, body, okStatus: action.okStatus };
    }
    case 'k8s': {
      const namespace = ctx.config.kubernetes?.namespace ?? 'default';
      const deployment = action.deployment ? text(action.deployment) : undefined;
      const replicasText = action.replicas === undefined ? undefined : text(String(action.replicas));
      if (replicasText !== undefined && !/^\d+$/.test(replicasText)) throw new Error(`replicas "${replicasText}" is not a whole number`);
      const replicas = replicasText === undefined ? undefined : Number(replicasText);
      const selector = action.selector ? text(action.selector) : undefined;
      const service = action.service ? text(action.service) : undefined;
      const request = action.action === 'scale' ? scaleRequest(namespace, deployment!, replicas!)
        : action.action === 'rollout-restart' ? rolloutRestartRequest(namespace, deployment!)
        : action.action === 'list-pods' ? listPodsRequest(namespace, selector) : undefined;
      return { kind: 'k8s', action: action.action, namespace, deployment, replicas, selector, service, request };
    }
    case 'redis':
      return { kind: 'redis', command: action.command.map(text) };
    case 'breaker':
      return { kind: 'breaker', action: action.action, name: action.name ? text(action.name) : undefined, forMs: action.for ? parseDuration(text(action.for)) : undefined, reason: action.reason ? text(action.reason) : undefined };
    case 'check':
      return { kind: 'check', check: text(action.check) };
    case 'manual':
      return { kind: 'manual', instruction: text(action.instruction) };
    case 'wait':
      return { kind: 'wait', until: renderProbe(action.until, vars, ctx), intervalMs: parseDuration(action.interval) };
  }
}

export function renderProbe(probe: ProbeAction, vars: Variables, ctx: PlanContext): RenderedProbe {
  return { ...renderAction(probe, vars, ctx), expect: probe.expect } as RenderedProbe;
}

function maskEnv(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, /pass|secret|token|key/i.test(k) && v ? '****' : v]));
}

/** The rendered action as an operator reads it; secrets (the Trigger.dev key) are masked. */
export function describeAction(action: RenderedAction, secrets: readonly string[] = []): string {
  const out = (() => {
    switch (action.kind) {
      case 'shell':
        return `argv: ${JSON.stringify(action.argv)}${action.cwd ? `\ncwd: ${action.cwd}` : ''}${Object.keys(action.env).length ? `\nenv: ${JSON.stringify(maskEnv(action.env))}` : ''}`;
      case 'sql':
        return `${action.sql.trim()}${action.params.length ? `\nparams: ${JSON.stringify(action.params)}` : ''}`;
      case 'http': {
        const headers = Object.entries(action.headers).map(([k, v]) => `${k}: ${k.toLowerCase() === 'authorization' ? v.replace(/\s.*$/, ' ****') : v}`);
        return [`${action.method} ${action.url}`, ...headers, ...(action.body === undefined ? [] : [JSON.stringify(action.body)])].join('\n');
      }
      case 'k8s':
        if (action.request) {
          const { method, path, contentType, body } = action.request;
          return `${method} ${path}${contentType ? `\ncontent-type: ${contentType}` : ''}${body ? `\n${JSON.stringify(body)}` : ''}`;
        }
        return `GET /api/v1/namespaces/${action.namespace}/services/${action.service} (then its pods by selector)`;
      case 'redis':
        return `redis: ${action.command.map((a) => JSON.stringify(a)).join(' ')}`;
      case 'breaker':
        return `breaker ${action.action}${action.name ? ` ${action.name}` : ''}${action.forMs ? ` for ${action.forMs / 1000}s` : ''}${action.reason ? ` (reason: ${action.reason})` : ''}`;
      case 'check':
        return `check ${action.check}`;
      case 'manual':
        return `operator: ${action.instruction.trim()}`;
      case 'wait':
        return `until (every ${action.intervalMs / 1000}s): ${describeAction(action.until, secrets)}\nexpect: ${JSON.stringify(action.until.expect)}`;
    }
  })();
  return redactSecrets(out, secrets);
}

/** A step as a listing shows it: plain data, no layout. */
export interface StepSummary {
  id: string;
  kind: string;
  title?: string;
  mutates: boolean;
  verify: boolean;
  /** how it is undone: its rollback's kind, or the automatic undo of its kind */
  rollback?: string;
}

export function describeStep(step: RunbookStep): StepSummary {
  const automatic = step.kind === 'k8s' && step.action === 'scale' ? 'scale back' : step.kind === 'breaker' && step.action === 'open' ? 'reset' : undefined;
  return { id: step.id, kind: step.kind, title: step.title, mutates: step.mutates, verify: Boolean(step.verify), rollback: step.rollback?.kind ?? automatic };
}
