import type { Queryable } from '../journey/writers.js';
import { responseTimes, type ResponseTimes } from './metrics.js';
import { getIncident, timelineOf } from './store.js';
import type { Incident, TimelineEntry } from './types.js';

/** What a postmortem draft holds; the command layer renders it as Markdown or HTML. */
export interface Postmortem {
  incident: Incident;
  /** how long the impact lasted so far (to resolution, or to `now` while open) */
  impactMs: number;
  times: ResponseTimes;
  timeline: TimelineEntry[];
  /** the actions medicalcor took (runbooks, breakers, budgets, reveals, migrations, reports) */
  actions: TimelineEntry[];
  alerts: TimelineEntry[];
  generatedAt: string;
}

export async function buildPostmortem(db: Queryable, id: number, now = new Date()): Promise<Postmortem> {
  const incident = await getIncident(db, id);
  const timeline = await timelineOf(db, id);
  const end = incident.resolvedAt ? Date.parse(incident.resolvedAt) : now.getTime();
  return {
    incident,
    impactMs: Math.max(0, end - Date.parse(incident.impactStartedAt)),
    times: responseTimes(incident, timeline),
    timeline,
    actions: timeline.filter((e) => e.kind === 'action'),
    alerts: timeline.filter((e) => e.kind === 'alert' || e.kind === 'alert_resolved'),
    generatedAt: now.toISOString(),
  };
}
