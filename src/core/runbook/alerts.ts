import { z } from 'zod';
import { invalidInput } from '../errors.js';
import type { LoadedRunbook } from './load.js';

/** AlertManager's webhook payload (version 4), as its webhook_config receivers get it. */
export const alertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()).default({}),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
});

export const alertmanagerPayloadSchema = z.object({
  version: z.string().optional(),
  groupKey: z.string().optional(),
  truncatedAlerts: z.number().optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().optional(),
  groupLabels: z.record(z.string(), z.string()).default({}),
  commonLabels: z.record(z.string(), z.string()).default({}),
  commonAnnotations: z.record(z.string(), z.string()).default({}),
  externalURL: z.string().optional(),
  alerts: z.array(alertSchema),
});
export type AlertmanagerPayload = z.infer<typeof alertmanagerPayloadSchema>;

export function parseAlertPayload(text: string, source: string): AlertmanagerPayload {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw invalidInput(`${source} is not JSON: ${(error as Error).message}.`, {
      code: 'runbook.alert-not-json',
      remedy: 'Give the AlertManager webhook body (JSON).',
    });
  }
  const parsed = alertmanagerPayloadSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalidInput(
      `${source} is not an AlertManager webhook payload: ${issue.path.join('.') || 'body'}: ${issue.message}.`,
      {
        code: 'runbook.alert-bad-payload',
        remedy: 'Expected { version: "4", status, alerts: [{ status, labels: { alertname, … } }] }.',
      },
    );
  }
  return parsed.data;
}

export interface AlertMatch {
  alertname: string;
  fingerprint?: string;
  labels: Record<string, string>;
  runbook?: LoadedRunbook;
  /** several runbooks of the same directory answer the alert: none is picked */
  ambiguous?: string[];
  /** the runbook the alert's `runbook` label names, when that is not a runbook here */
  requested?: string;
  /** parameter values taken from the alert's labels (validation happens when the run starts) */
  given: Record<string, string>;
}

/**
 * One entry per firing alert: the runbook its `runbook` label names (the SLA rules set it), else
 * the runbook whose `alerts` names its alertname (the project's directory before the shipped
 * runbooks), and the
 * parameters its labels fill (a parameter's `label`, or its own name). Resolved alerts are ignored.
 */
export function matchAlerts(payload: AlertmanagerPayload, runbooks: readonly LoadedRunbook[]): AlertMatch[] {
  return payload.alerts
    .filter((alert) => alert.status === 'firing')
    .map((alert) => {
      const labels = { ...payload.commonLabels, ...alert.labels };
      const alertname = labels.alertname ?? '';
      const named = labels.runbook;
      const byLabel = named ? runbooks.find((r) => r.runbook.id === named) : undefined;
      if (named && !byLabel) return { alertname, fingerprint: alert.fingerprint, labels, requested: named, given: {} };
      const candidates = byLabel ? [byLabel] : runbooks.filter((r) => r.runbook.alerts.includes(alertname));
      // The project's own runbook for an alert overrides a shipped one; two in one directory is a conflict.
      const best = Math.max(...candidates.map((r) => r.rank ?? 0));
      const top = candidates.filter((r) => (r.rank ?? 0) === best);
      const runbook = top.length === 1 ? top[0] : undefined;
      const ambiguous = top.length > 1 ? top.map((r) => r.runbook.id) : undefined;
      const given: Record<string, string> = {};
      for (const p of runbook?.runbook.parameters ?? []) {
        const value = labels[p.label ?? p.name];
        if (value !== undefined) given[p.name] = value;
      }
      return { alertname, fingerprint: alert.fingerprint, labels, runbook, ambiguous, given };
    });
}
