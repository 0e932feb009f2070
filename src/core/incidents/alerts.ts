import type { AlertmanagerPayload } from '../runbook/alerts.js';
import type { Queryable } from '../journey/writers.js';
import { appendEntry, getIncident, openIncident } from './store.js';
import { incidentRef, type Incident, type Severity } from './types.js';

/** How an alert's labels name a severity: an explicit P1..P4 wins, else the alerting convention. */
export function severityOfLabels(labels: Record<string, string>): Severity {
  const explicit = (labels.priority ?? labels.severity ?? '').toUpperCase();
  if (/^P[1-4]$/.test(explicit)) return explicit as Severity;
  switch ((labels.severity ?? '').toLowerCase()) {
    case 'critical':
      return 'P1';
    case 'page':
    case 'error':
      return 'P2';
    case 'ticket':
    case 'warning':
      return 'P3';
    default:
      return 'P4';
  }
}

/**
 * The alert group an incident stands for: AlertManager's groupKey (one notification group), else
 * the first alert's fingerprint, else the alert name. A re-fired group appends to its open incident.
 */
export function groupFingerprint(payload: AlertmanagerPayload): string {
  return payload.groupKey ?? payload.alerts[0]?.fingerprint ?? payload.commonLabels.alertname ?? 'alertmanager';
}

export interface AlertOutcome {
  incident: Incident | null;
  /** opened: a new incident; appended: the group's open incident got the alerts; ignored: nothing open to note */
  action: 'opened' | 'appended' | 'ignored';
  alerts: number;
}

const alertText = (status: string, labels: Record<string, string>, annotations: Record<string, string>) =>
  `${status === 'resolved' ? 'alert resolved' : 'alert firing'}: ${labels.alertname ?? 'alert'}` +
  (annotations.summary ? ` (${annotations.summary})` : '');

/**
 * Files an AlertManager webhook payload on its incident: a firing group without an open incident
 * opens one; a re-fired group appends; resolved alerts are noted (they do not resolve the incident:
 * a person decides that). The timeline text is masked at write.
 */
export async function incidentFromAlert(
  db: Queryable,
  payload: AlertmanagerPayload,
  context: { environment: string; actor: string },
): Promise<AlertOutcome> {
  const fingerprint = groupFingerprint(payload);
  const { rows } = await db.query(
    `SELECT id FROM incidents WHERE environment = $1 AND fingerprint = $2 AND resolved_at IS NULL`,
    [context.environment, fingerprint],
  );
  let id: number | undefined = rows[0] ? Number(rows[0].id) : undefined;
  let action: AlertOutcome['action'] = 'appended';
  const firing = payload.alerts.filter((a) => a.status === 'firing');
  if (id === undefined) {
    if (firing.length === 0) return { incident: null, action: 'ignored', alerts: payload.alerts.length };
    const labels = { ...payload.commonLabels, ...firing[0]!.labels };
    const startedAt = firing
      .map((a) => (a.startsAt ? Date.parse(a.startsAt) : Number.NaN))
      .filter((t) => Number.isFinite(t))
      .sort((a, b) => a - b)[0];
    const services = [...new Set(firing.map((a) => a.labels.service ?? a.labels.sla).filter((s): s is string => !!s))];
    const incident = await openIncident(db, {
      title: payload.commonAnnotations.summary ?? firing[0]!.annotations.summary ?? labels.alertname ?? 'Alert',
      severity: severityOfLabels(labels),
      services,
      environment: context.environment,
      actor: context.actor,
      fingerprint,
      impactStartedAt: startedAt === undefined ? undefined : new Date(startedAt),
      openedText: `opened from alert ${labels.alertname ?? fingerprint}`,
      openedFacts: { fingerprint, receiver: payload.receiver ?? null },
    });
    id = incident.id;
    action = 'opened';
  }
  for (const alert of payload.alerts) {
    await appendEntry(db, id, {
      kind: alert.status === 'resolved' ? 'alert_resolved' : 'alert',
      actor: context.actor,
      text: alertText(alert.status, alert.labels, alert.annotations),
      ref: alert.generatorURL,
      facts: { fingerprint: alert.fingerprint ?? null, labels: alert.labels, startsAt: alert.startsAt ?? null },
    });
  }
  return { incident: await getIncident(db, id), action, alerts: payload.alerts.length };
}

export const describeOutcome = (o: AlertOutcome): string =>
  o.incident ? `${o.action} ${incidentRef(o.incident.id)}` : 'no open incident for these resolved alerts';
