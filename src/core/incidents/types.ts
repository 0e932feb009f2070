export const SEVERITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The life of an incident, in order; `resolved` ends it (reopening is explicit). */
export const STATUSES = ['triggered', 'acknowledged', 'investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentStatus = (typeof STATUSES)[number];

export type TimelineKind =
  | 'opened'
  | 'alert'
  | 'alert_resolved'
  | 'status'
  | 'assign'
  | 'note'
  | 'action'
  | 'resolved'
  | 'reopened';

export interface Incident {
  id: number;
  /** how operators name it: INC-<id> */
  ref: string;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  commander: string | null;
  services: string[];
  environment: string;
  fingerprint: string | null;
  summary: string | null;
  impactStartedAt: string;
  createdAt: string;
  acknowledgedAt: string | null;
  identifiedAt: string | null;
  resolvedAt: string | null;
  createdBy: string;
}

export interface TimelineEntry {
  id: number;
  occurredAt: string;
  kind: TimelineKind;
  actor: string;
  text: string;
  ref: string | null;
  facts: Record<string, unknown>;
}

export const incidentRef = (id: number): string => `INC-${id}`;
