import { conflict } from '../errors.js';
import type { Queryable } from '../journey/writers.js';
import { appendEntry, getIncident } from './store.js';
import type { TimelineEntry } from './types.js';

export interface ActionRecord {
  /** 'runbook.run', 'breaker.open', 'budget.freeze', 'pii.reveal', 'migrate.up', 'trace.report', 'trace.view' … */
  kind: string;
  summary: string;
  /** where the full record is: "runbook_runs:<id>", "pii_access_log:7", a report's path */
  ref?: string;
  outcome?: string;
  actor: string;
  /** the command as typed, secrets removed */
  command?: string;
}

/**
 * Puts one action medicalcor took on the incident's timeline. A resolved incident takes no more
 * actions (the caller is told, and nothing reopens it behind the commander's back).
 */
export async function recordIncidentAction(
  db: Queryable,
  incidentId: number,
  action: ActionRecord,
): Promise<TimelineEntry> {
  const incident = await getIncident(db, incidentId);
  if (incident.status === 'resolved') {
    throw conflict(`${incident.ref} is resolved; the action "${action.kind}" was not recorded on it.`, {
      code: 'incident.resolved',
      facts: { ref: incident.ref },
    });
  }
  return appendEntry(db, incidentId, {
    kind: 'action',
    actor: action.actor,
    text: action.summary,
    ref: action.ref,
    facts: { action: action.kind, outcome: action.outcome ?? null, command: action.command ?? null },
  });
}
