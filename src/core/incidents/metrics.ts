import type { Incident, TimelineEntry } from './types.js';

/**
 * The response times of one incident, in milliseconds (null while the phase has not happened):
 * detect = impact start (the first alert's startsAt) → incident opened; acknowledge, identify and
 * resolve are measured from the opening, except resolve, which is measured from the impact start
 * (the time patients were affected). Averaged over incidents they are MTTD, MTTA, MTTI and MTTR.
 */
export interface ResponseTimes {
  detectMs: number | null;
  acknowledgeMs: number | null;
  identifyMs: number | null;
  resolveMs: number | null;
}

const between = (from: string | null, to: string | null): number | null =>
  from && to ? Math.max(0, Date.parse(to) - Date.parse(from)) : null;

/** From the timeline: the first entry that reached each phase (a reopen starts resolution over). */
export function responseTimes(incident: Incident, timeline: readonly TimelineEntry[]): ResponseTimes {
  const opened = timeline.find((e) => e.kind === 'opened')?.occurredAt ?? incident.createdAt;
  const firstTo = (statuses: string[]) =>
    timeline.find((e) => (e.kind === 'status' || e.kind === 'resolved') && statuses.includes(String(e.facts.to)))
      ?.occurredAt ?? null;
  const lastResolved = [...timeline].reverse().find((e) => e.kind === 'resolved' || e.kind === 'reopened');
  return {
    detectMs: between(incident.impactStartedAt, opened),
    acknowledgeMs: between(opened, firstTo(['acknowledged', 'investigating', 'identified', 'monitoring', 'resolved'])),
    identifyMs: between(opened, firstTo(['identified', 'monitoring', 'resolved'])),
    resolveMs: lastResolved?.kind === 'resolved' ? between(incident.impactStartedAt, lastResolved.occurredAt) : null,
  };
}

/** MTTD/MTTA/MTTI/MTTR over several incidents: the mean of those that reached each phase. */
export function meanResponseTimes(all: readonly ResponseTimes[]): ResponseTimes {
  const mean = (pick: (t: ResponseTimes) => number | null) => {
    const values = all.map(pick).filter((v): v is number => v !== null);
    return values.length ? Math.round(values.reduce((a, b) => a + b, 0) / values.length) : null;
  };
  return {
    detectMs: mean((t) => t.detectMs),
    acknowledgeMs: mean((t) => t.acknowledgeMs),
    identifyMs: mean((t) => t.identifyMs),
    resolveMs: mean((t) => t.resolveMs),
  };
}
