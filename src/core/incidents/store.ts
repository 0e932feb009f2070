import { conflict, invalidInput, notFound, rethrowSchemaMissing } from '../errors.js';
import type { Queryable } from '../journey/writers.js';
import { maskText } from '../mask/index.js';
import {
  incidentRef,
  SEVERITIES,
  STATUSES,
  type Incident,
  type IncidentStatus,
  type Severity,
  type TimelineEntry,
  type TimelineKind,
} from './types.js';

const INCIDENT_COLUMNS = `id, title, severity, status, commander, services, environment, fingerprint, summary,
  impact_started_at, created_at, acknowledged_at, identified_at, resolved_at, created_by`;

const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);

function toIncident(row: Record<string, any>): Incident {
  return {
    id: Number(row.id),
    ref: incidentRef(Number(row.id)),
    title: row.title,
    severity: row.severity,
    status: row.status,
    commander: row.commander,
    services: row.services,
    environment: row.environment,
    fingerprint: row.fingerprint,
    summary: row.summary,
    impactStartedAt: iso(row.impact_started_at)!,
    createdAt: iso(row.created_at)!,
    acknowledgedAt: iso(row.acknowledged_at),
    identifiedAt: iso(row.identified_at),
    resolvedAt: iso(row.resolved_at),
    createdBy: row.created_by,
  };
}

function toEntry(row: Record<string, any>): TimelineEntry {
  return {
    id: Number(row.id),
    occurredAt: iso(row.occurred_at)!,
    kind: row.kind,
    actor: row.actor,
    text: row.text,
    ref: row.ref,
    facts: row.facts,
  };
}

async function query(db: Queryable, sql: string, params: unknown[]): Promise<{ rows: any[] }> {
  try {
    return await db.query(sql, params);
  } catch (error) {
    rethrowSchemaMissing(error);
  }
}

export function checkSeverity(value: string): Severity {
  const upper = value.toUpperCase();
  if (!(SEVERITIES as readonly string[]).includes(upper)) {
    throw invalidInput(`"${value}" is not a severity.`, {
      code: 'incident.bad-severity',
      facts: { allowed: SEVERITIES },
      remedy: `Use one of ${SEVERITIES.join(', ')} (P1 is the most severe).`,
    });
  }
  return upper as Severity;
}

export function checkStatus(value: string): IncidentStatus {
  if (!(STATUSES as readonly string[]).includes(value)) {
    throw invalidInput(`"${value}" is not an incident status.`, {
      code: 'incident.bad-status',
      facts: { allowed: STATUSES },
      remedy: `Use one of ${STATUSES.join(', ')}.`,
    });
  }
  return value as IncidentStatus;
}

export interface NewIncident {
  title: string;
  severity: Severity;
  services?: string[];
  environment: string;
  actor: string;
  fingerprint?: string;
  /** when the impact began (an alert's startsAt); now when unknown */
  impactStartedAt?: Date;
  /** what the first timeline entry says; "opened by <actor>" by default */
  openedText?: string;
  openedFacts?: Record<string, unknown>;
}

/** Opens an incident and writes its first timeline entry, in one transaction. */
export async function openIncident(db: Queryable, input: NewIncident): Promise<Incident> {
  const title = maskText(input.title.trim());
  if (!title || title.length > 200) {
    throw invalidInput('An incident needs a title of 1 to 200 characters.', { code: 'incident.bad-title' });
  }
  const { rows } = await query(
    db,
    `WITH opened AS (
       INSERT INTO incidents (title, severity, services, environment, fingerprint, impact_started_at, created_by)
       VALUES ($1, $2, $3, $4, $5, COALESCE($6::timestamptz, now()), $7)
       RETURNING ${INCIDENT_COLUMNS}
     ), entry AS (
       INSERT INTO incident_timeline (incident_id, kind, actor, text, facts)
       SELECT id, 'opened', $7, $8, $9 FROM opened
     )
     SELECT * FROM opened`,
    [
      title,
      input.severity,
      input.services ?? [],
      input.environment,
      input.fingerprint ?? null,
      input.impactStartedAt ?? null,
      input.actor,
      maskText(input.openedText ?? `opened ${input.severity}: ${title}`),
      input.openedFacts ?? {},
    ],
  );
  return toIncident(rows[0]);
}

/** The incident, or a not-found error that carries the most recent ones (so the operator can pick). */
export async function getIncident(db: Queryable, id: number): Promise<Incident> {
  const { rows } = await query(db, `SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE id = $1`, [id]);
  if (rows[0]) return toIncident(rows[0]);
  const recent = await listIncidents(db, { limit: 5 });
  throw notFound(`No incident ${incidentRef(id)}.`, {
    code: 'incident.not-found',
    facts: { id, recent: recent.map((i) => ({ ref: i.ref, title: i.title, status: i.status })) },
  });
}

export interface IncidentFilter {
  open?: boolean;
  environment?: string;
  severities?: Severity[];
  limit?: number;
}

/** Newest first. */
export async function listIncidents(db: Queryable, filter: IncidentFilter = {}): Promise<Incident[]> {
  const { rows } = await query(
    db,
    `SELECT ${INCIDENT_COLUMNS} FROM incidents
      WHERE ($1::boolean IS NOT TRUE OR resolved_at IS NULL)
        AND ($2::text IS NULL OR environment = $2)
        AND ($3::text[] IS NULL OR severity = ANY($3))
      ORDER BY created_at DESC, id DESC
      LIMIT $4`,
    [filter.open ?? false, filter.environment ?? null, filter.severities ?? null, filter.limit ?? 50],
  );
  return rows.map(toIncident);
}

export async function timelineOf(db: Queryable, id: number): Promise<TimelineEntry[]> {
  const { rows } = await query(
    db,
    'SELECT id, occurred_at, kind, actor, text, ref, facts FROM incident_timeline WHERE incident_id = $1 ORDER BY ' +
      'occurred_at, id',
    [id],
  );
  return rows.map(toEntry);
}

export interface NewEntry {
  kind: TimelineKind;
  actor: string;
  text: string;
  ref?: string;
  facts?: Record<string, unknown>;
  occurredAt?: Date;
}

/** Appends to the timeline; the text is masked at write, so no patient data is ever stored there. */
export async function appendEntry(db: Queryable, id: number, entry: NewEntry): Promise<TimelineEntry> {
  const { rows } = await query(
    db,
    `INSERT INTO incident_timeline (incident_id, kind, actor, text, ref, facts, occurred_at)
     VALUES ($1, $2, $3, $4, $5, $6, COALESCE($7::timestamptz, now()))
     RETURNING id, occurred_at, kind, actor, text, ref, facts`,
    [id, entry.kind, entry.actor, maskText(entry.text), entry.ref ?? null, entry.facts ?? {}, entry.occurredAt ?? null],
  );
  return toEntry(rows[0]);
}

/** A resolved incident changes only by an explicit reopen: a late action must not revive it silently. */
function refuseResolved(incident: Incident, what: string): void {
  if (incident.status === 'resolved') {
    throw conflict(`${incident.ref} is resolved; ${what} would reopen it.`, {
      code: 'incident.resolved',
      facts: { ref: incident.ref, resolvedAt: incident.resolvedAt },
    });
  }
}

export interface StatusChange {
  status: IncidentStatus;
  actor: string;
  note?: string;
  reopen?: boolean;
  summary?: string;
}

/**
 * Moves an incident to a status and records it. The first acknowledgement and identification set
 * the times the metrics are computed from; resolving needs a summary.
 */
export async function changeStatus(db: Queryable, id: number, change: StatusChange): Promise<Incident> {
  const incident = await getIncident(db, id);
  const reopening = incident.status === 'resolved' && change.status !== 'resolved';
  if (reopening && !change.reopen) refuseResolved(incident, `moving it to ${change.status}`);
  if (incident.status === 'resolved' && change.status === 'resolved') {
    throw conflict(`${incident.ref} is already resolved.`, {
      code: 'incident.already-resolved',
      facts: { ref: incident.ref },
    });
  }
  if (change.status === 'resolved' && !change.summary?.trim()) {
    throw invalidInput(`Resolving ${incident.ref} needs a summary of what happened.`, { code: 'incident.no-summary' });
  }
  const { rows } = await query(
    db,
    `UPDATE incidents SET
        status = $2,
        acknowledged_at = CASE WHEN $2 <> 'triggered' THEN COALESCE(acknowledged_at, now()) ELSE acknowledged_at END,
        identified_at = CASE WHEN $2 IN ('identified', 'monitoring', 'resolved') THEN COALESCE(identified_at, now())
                             ELSE identified_at END,
        resolved_at = CASE WHEN $2 = 'resolved' THEN now() ELSE NULL END,
        summary = COALESCE($3, summary)
      WHERE id = $1
      RETURNING ${INCIDENT_COLUMNS}`,
    [id, change.status, change.summary ? maskText(change.summary.trim()) : null],
  );
  const kind: TimelineKind = reopening ? 'reopened' : change.status === 'resolved' ? 'resolved' : 'status';
  const text =
    kind === 'resolved'
      ? `resolved: ${change.summary!.trim()}`
      : `${reopening ? 'reopened as' : 'status'} ${change.status}${change.note ? `: ${change.note}` : ''}`;
  await appendEntry(db, id, { kind, actor: change.actor, text, facts: { from: incident.status, to: change.status } });
  return toIncident(rows[0]);
}

export async function assignCommander(db: Queryable, id: number, commander: string, actor: string): Promise<Incident> {
  const incident = await getIncident(db, id);
  refuseResolved(incident, 'assigning it');
  const { rows } = await query(db, `UPDATE incidents SET commander = $2 WHERE id = $1 RETURNING ${INCIDENT_COLUMNS}`, [
    id,
    commander,
  ]);
  await appendEntry(db, id, { kind: 'assign', actor, text: `commander: ${commander}`, facts: { commander } });
  return toIncident(rows[0]);
}

export async function addNote(db: Queryable, id: number, text: string, actor: string): Promise<TimelineEntry> {
  // a note changes no status: allowed after resolution too (postmortem findings)
  await getIncident(db, id);
  if (!text.trim()) throw invalidInput('A note needs some text.', { code: 'incident.empty-note' });
  return appendEntry(db, id, { kind: 'note', actor, text: text.trim() });
}
