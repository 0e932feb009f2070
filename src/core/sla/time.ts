import { parseDurationSeconds } from './duration.js';

/**
 * A point in time as an operator writes it: "now", "now-7d", an ISO 8601 timestamp, or a date
 * (midnight UTC). Undefined when it is none of those.
 */
export function parseTimePoint(text: string, now: Date): Date | undefined {
  const t = text.trim();
  if (t === 'now') return now;
  const relative = /^now-(.+)$/.exec(t);
  if (relative) {
    const seconds = parseDurationSeconds(relative[1]!);
    return seconds === undefined ? undefined : new Date(now.getTime() - seconds * 1000);
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
    const d = new Date(`${t}T00:00:00Z`);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(t)) {
    const d = new Date(t);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}
